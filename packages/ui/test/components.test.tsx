import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  Badge,
  Button,
  Field,
  ImageTile,
  LineChart,
  Notice,
  PaintCanvas,
  ProgressBar,
  TextInput,
} from "../src/index.js";

describe("form components", () => {
  it("shows a field's error instead of its hint, as an alert", () => {
    const ok = renderToStaticMarkup(
      <Field label="Steps" hint="1 – 1000" htmlFor="steps">
        <TextInput id="steps" />
      </Field>,
    );
    expect(ok).toContain("1 – 1000");
    expect(ok).not.toContain('role="alert"');
    const bad = renderToStaticMarkup(
      <Field label="Steps" hint="1 – 1000" error="steps: must be between 1 and 1000">
        <TextInput />
      </Field>,
    );
    expect(bad).toContain('role="alert"');
    expect(bad).toContain("steps: must be between 1 and 1000");
    expect(bad).not.toContain("1 – 1000");
  });

  it("renders buttons as non-submitting unless asked", () => {
    expect(renderToStaticMarkup(<Button>Go</Button>)).toContain('type="button"');
    expect(renderToStaticMarkup(<Button type="submit">Go</Button>)).toContain('type="submit"');
  });
});

describe("display components", () => {
  it("gives error notices the alert role and others the status role", () => {
    expect(renderToStaticMarkup(<Notice tone="error" title="Failed" />)).toContain('role="alert"');
    expect(renderToStaticMarkup(<Notice title="No model available" />)).toContain('role="status"');
  });

  it("clamps progress to 0–100 %", () => {
    expect(renderToStaticMarkup(<ProgressBar value={1.7} />)).toContain('aria-valuenow="100"');
    expect(renderToStaticMarkup(<ProgressBar value={0.25} label="step 5/20" />)).toContain("width:25%");
  });

  it("captions enlarged images", () => {
    const html = renderToStaticMarkup(<ImageTile src="/x.png" label="i_start = 5" size={96} />);
    expect(html).toContain("i_start = 5");
    expect(html).toContain("image-rendering:pixelated");
    expect(renderToStaticMarkup(<Badge tone="success">done</Badge>)).toContain("done");
  });

  it("server-renders the client-only canvas and chart as empty hosts", () => {
    const canvas = renderToStaticMarkup(<PaintCanvas width={28} height={28} mode="sketch" label="sketch" />);
    expect(canvas).toContain('width="28"');
    expect(canvas).toContain('aria-label="sketch"');
    const chart = renderToStaticMarkup(
      <LineChart
        x={[1, 2]}
        series={[{ label: "loss", values: [1, 0.5], color: "#fff" }]}
        xLabel="step"
        yLabel="loss"
      />,
    );
    expect(chart).toContain('data-testid="line-chart"');
  });
});
