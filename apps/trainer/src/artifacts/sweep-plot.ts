import sharp from "sharp";
import type { TopLevelSpec } from "vega-lite";
import type { SamplerSweep } from "../eval/results.js";
import { renderSvg } from "./loss-plot.js";

/**
 * The sweep as Vega-Lite: MNIST-FID against model evaluations per sampler (log-log), with the baseline's +tolerance
 * line the default is picked under; for class-conditioned models beside it, FID and sample accuracy against γ at the
 * chosen sampler and budget.
 */
export function sweepSpec(sweep: SamplerSweep, title: string): TopLevelSpec {
  const gamma = sweep.baseline.guidanceScale;
  const atGamma = sweep.cells.filter((c) => c.guidanceScale === gamma);
  const limit = sweep.baseline.mnistFid * (1 + sweep.tolerance);
  const nfePanel = {
    title: `MNIST-FID per model evaluations${gamma === undefined ? "" : ` (γ = ${gamma})`}`,
    width: 420,
    height: 300,
    layer: [
      {
        data: { values: atGamma.map((c) => ({ sampler: c.sampler, nfe: c.nfe, fid: c.mnistFid })) },
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "nfe",
            type: "quantitative",
            title: "model evaluations (NFE)",
            scale: { type: "log", nice: false, padding: 10 },
          },
          y: {
            field: "fid",
            type: "quantitative",
            title: "MNIST-FID (lower is better)",
            scale: { type: "log", nice: false, padding: 10 },
            // A log axis labels only some of its ticks (90 went unlabelled under 100); overlapping labels still drop.
            axis: { labelExpr: "format(datum.value, '~r')" },
          },
          color: { field: "sampler", type: "nominal" },
        },
      },
      {
        data: { values: [{ limit, label: `baseline +${Math.round(sweep.tolerance * 100)} %` }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "#444" },
        encoding: { y: { field: "limit", type: "quantitative" } },
      },
      {
        data: { values: [{ limit, label: `baseline +${Math.round(sweep.tolerance * 100)} %` }] },
        mark: { type: "text", align: "right", dy: -6, color: "#444", x: "width" },
        encoding: { y: { field: "limit", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  };
  const guided = sweep.cells.filter((c) => c.sampler === sweep.choice.sampler && c.nfe === sweep.choice.steps);
  const panels: unknown[] = [nfePanel];
  if (gamma !== undefined && guided.length > 1) {
    const values = guided.map((c) => ({
      gamma: c.guidanceScale,
      fid: c.mnistFid,
      accuracy: (c.sampleAccuracy ?? 0) * 100,
    }));
    const x = { field: "gamma", type: "quantitative", title: "CFG γ" };
    panels.push({
      title: `γ at ${sweep.choice.sampler}, ${sweep.choice.steps} NFE`,
      width: 300,
      height: 300,
      data: { values },
      layer: [
        {
          mark: { type: "line", point: { color: "#1f4e9c" }, color: "#1f4e9c" },
          encoding: {
            x,
            y: { field: "fid", type: "quantitative", title: "MNIST-FID", axis: { titleColor: "#1f4e9c" } },
          },
        },
        {
          mark: { type: "line", point: { color: "#c0392b" }, color: "#c0392b" },
          encoding: {
            x,
            y: {
              field: "accuracy",
              type: "quantitative",
              title: "digits read as asked (%)",
              axis: { titleColor: "#c0392b" },
            },
          },
        },
      ],
      resolve: { scale: { y: "independent" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    hconcat: panels,
  } as TopLevelSpec;
}

/** The sweep plot as SVG and PNG (144 DPI). */
export async function sweepPlot(
  sweep: SamplerSweep,
  title = "Quality per compute",
): Promise<{ svg: string; png: Buffer }> {
  const svg = await renderSvg(sweepSpec(sweep, title));
  const png = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
  return { svg, png };
}
