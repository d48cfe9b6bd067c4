import type { ModelInfo } from "./models.ts";
import type { Recipe } from "./recipes.ts";

/** What the portal hands a worker: a validated recipe plus where to find its inputs and put its outputs. */
export interface WorkerTask {
  readonly recipe: Recipe;
  /** `file`: the exported ONNX file ("cs180-onnx") or the export directory ("deepfloyd-if"). */
  readonly model: { readonly info: ModelInfo; readonly format: "cs180-onnx" | "deepfloyd-if"; readonly file: string };
  /** Absolute paths of decoded uploads (PNG). */
  readonly inputs: { readonly image?: string; readonly mask?: string };
  readonly artifactsDir: string;
  readonly device: "cpu" | "cuda" | "auto";
  /** ONNX Runtime intra-op threads for this worker. */
  readonly threads: number;
  /** Outputs go to `<artifactsDir>/<outputPrefix>/…`. */
  readonly outputPrefix: string;
}
