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
export { AbortError, checkFinite, checkNumber, checkShape, throwIfAborted } from "./errors.js";
export { mulberry32, type NoiseSource, portableLog, Rng } from "./random.js";
export { type AncestralDdpmConfig, ancestralDdpmSampler } from "./samplers/ddpm.js";
export { type FlowEulerConfig, FlowEulerSampler } from "./samplers/flow-euler.js";
export type { ModelPrediction, Sampler, StepOutput } from "./samplers/sampler.js";
export {
  courseSampler,
  type StridedDdpmConfig,
  StridedDdpmSampler,
  type VarianceType,
} from "./samplers/strided-ddpm.js";
export { dynamicThreshold } from "./samplers/thresholding.js";
export {
  alphaBar,
  cosineSchedule,
  linearSchedule,
  makeSchedule,
  type NoiseSchedule,
  type ScheduleConfig,
} from "./schedule.js";
export {
  axpby,
  blend,
  cloneBatch,
  concatBatches,
  type ImageBatch,
  imageBatch,
  itemSize,
  type Shape,
  sameShape,
  sliceBatch,
  tileBatch,
} from "./tensor.js";
export { checkTimesteps, spacedTimesteps, stridedTimesteps, type TimestepSpacing } from "./timesteps.js";
