import type { ProgressStage } from "../shared/jobs.ts";
import type { ModelInfo } from "../shared/models.ts";
import type { Recipe } from "../shared/recipes.ts";

/** A picture the browser worker made: PNG bytes (8-bit grey or RGB, as the server's workers write). */
export interface BrowserImage {
  readonly png: Uint8Array;
  readonly label: string;
  readonly width: number;
  readonly height: number;
}

export type Backend = "webgpu" | "wasm";

/** Page → worker. */
export type ToWorker =
  | {
      readonly type: "run";
      readonly recipe: Recipe;
      readonly model: ModelInfo;
      /** Where the model file is served (`/api/models/<id>/model.onnx`). */
      readonly modelUrl: string;
      /** Inputs at the model's size (browserInput), PNG. */
      readonly inputs: { readonly image?: Uint8Array; readonly mask?: Uint8Array };
      /** Force a backend (tests, the benchmark); default WebGPU when an adapter exists, else wasm. */
      readonly backend?: Backend;
    }
  | { readonly type: "cancel" };

/** Worker → page. */
export type FromWorker =
  | { readonly type: "status"; readonly message: string }
  | { readonly type: "started"; readonly backend: Backend; readonly threads: number }
  | {
      readonly type: "progress";
      readonly step: number;
      readonly total: number;
      readonly previews: BrowserImage[];
      readonly stage?: ProgressStage;
    }
  | { readonly type: "image"; readonly image: BrowserImage }
  | { readonly type: "done"; readonly seconds: number }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "cancelled" };
