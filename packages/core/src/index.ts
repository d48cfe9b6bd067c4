/** Public API of @diffusion-studio/core. Everything a consumer may import is re-exported here. */
export type {
  CancelSignal,
  Condition,
  Denoiser,
  DenoiserInfo,
  DenoiserInput,
  DenoiserOutput,
  PredictionKind,
} from "./denoiser.js";
export { mulberry32 } from "./random.js";
export type { ImageBatch } from "./tensor.js";
