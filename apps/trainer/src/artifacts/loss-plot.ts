import sharp from "sharp";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface LossPoint {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
}

export interface LossPlotOptions {
  readonly title: string;
  /** Log-scale the loss axis (the loss falls by orders of magnitude early on). */
  readonly logScale?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** The Vega-Lite spec of a training-loss curve: the raw per-step loss and its moving average. */
export function lossCurveSpec(points: readonly LossPoint[], options: LossPlotOptions): TopLevelSpec {
  const logScale = options.logScale ?? true;
  const positive = points.filter((p) => Number.isFinite(p.loss) && (!logScale || p.loss > 0));
  const window = Math.max(1, Math.round(positive.length / 50));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 320,
    background: "white",
    data: { values: positive.map((p) => ({ step: p.step, epoch: p.epoch, loss: p.loss })) },
    encoding: {
      x: { field: "step", type: "quantitative", title: "training step", scale: { nice: false } },
    },
    layer: [
      {
        mark: { type: "line", color: "#9ecae9", strokeWidth: 1 },
        encoding: {
          y: {
            field: "loss",
            type: "quantitative",
            title: "loss",
            scale: { type: logScale ? "log" : "linear", nice: false },
          },
        },
      },
      {
        transform: [{ window: [{ op: "mean", field: "loss", as: "smoothed" }], frame: [-window, window] }],
        mark: { type: "line", color: "#1f4e9c", strokeWidth: 2 },
        encoding: { y: { field: "smoothed", type: "quantitative" } },
      },
    ],
  };
}

/** Renders a Vega-Lite spec to SVG (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The loss curve as SVG and as a PNG rasterised from it at `density` DPI (72 = 1:1). */
export async function lossCurve(
  points: readonly LossPoint[],
  options: LossPlotOptions,
  density = 144,
): Promise<{ svg: string; png: Buffer }> {
  const svg = await renderSvg(lossCurveSpec(points, options));
  const png = await sharp(Buffer.from(svg), { density }).png().toBuffer();
  return { svg, png };
}
