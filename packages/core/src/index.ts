/** Public API of @diffusion-studio/core. Everything a consumer may import is re-exported here. */

export {
  defaultSigma,
  gaussianBlur,
  gaussianKernel1d,
  highPass,
  hybridKernelSize,
  lowPass,
  scaledCourseKernel,
} from "./blur.js";
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
export { type GuidanceBranch, type GuidancePlan, guidedPredict } from "./guidance.js";
export {
  centerCrop,
  clampBatch,
  fromRGBA8,
  fromUnitRange,
  type PixelRange,
  type ResizeFilter,
  resize,
  tileGrid,
  toRGBA8,
  toUnitRange,
} from "./image.js";
export { type LoopOptions, type ProgressEvent, type RunOptions, runReverseLoop } from "./loop.js";
export {
  type ConditioningOptions,
  defaultUnconditional,
  type SamplingOptions,
} from "./procedures/common.js";
export {
  addGaussianNoise,
  forwardProcess,
  type IterativeDenoiseOptions,
  iterativeDenoise,
  type OneStepDenoiseOptions,
  oneStepDenoise,
  type SampleOptions,
  sample,
} from "./procedures/denoise.js";
export {
  type InpaintOptions,
  imageToImage,
  inpaint,
  type SdeditOptions,
  type SdeditResult,
  sdedit,
} from "./procedures/edit.js";
export {
  type AnagramPart,
  type FactorizedDiffusionOptions,
  type FactorizedPart,
  factorizedDiffusion,
  type HybridImageOptions,
  hybridImage,
  type VisualAnagramOptions,
  visualAnagram,
} from "./procedures/illusions.js";
export {
  mulberry32,
  type NoisePurpose,
  NoiseRecorder,
  NoiseReplay,
  type NoiseSource,
  portableLog,
  Rng,
} from "./random.js";
export { type DdimConfig, DdimSampler } from "./samplers/ddim.js";
export { type AncestralDdpmConfig, ancestralDdpmSampler } from "./samplers/ddpm.js";
export { type DpmSolverConfig, DpmSolverSampler } from "./samplers/dpm-solver.js";
export { type FlowDpmSolverConfig, FlowDpmSolverSampler } from "./samplers/flow-dpm-solver.js";
export { type FlowEulerConfig, FlowEulerSampler } from "./samplers/flow-euler.js";
export { type FlowHeunConfig, FlowHeunSampler } from "./samplers/flow-heun.js";
export { makeSampler, type SamplerConfig } from "./samplers/make-sampler.js";
export type { ModelPrediction, Sampler, StepCarry, StepOutput } from "./samplers/sampler.js";
export type { ScheduleSamplerConfig } from "./samplers/schedule-sampler.js";
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
  MAX_BATCH_VALUES,
  type Shape,
  sameShape,
  sliceBatch,
  tileBatch,
} from "./tensor.js";
export { checkTimesteps, spacedTimesteps, stridedTimesteps, type TimestepSpacing } from "./timesteps.js";
export {
  flipView,
  identityView,
  makeView,
  negateView,
  patchPermuteView,
  pixelPermuteView,
  rotateView,
  scaleView,
  skewView,
  type View,
  type ViewConfig,
} from "./views.js";
