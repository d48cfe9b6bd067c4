/**
 * Public API of @diffusion-studio/models (browser-safe: no ONNX Runtime import). Sessions and the Trainer live in
 * `@diffusion-studio/models/node` and `@diffusion-studio/models/web`.
 */

export { CHECKPOINT_FORMAT, type Checkpoint, decodeCheckpoint, encodeCheckpoint } from "./checkpoint/checkpoint.js";
export { decodeSafetensors, encodeSafetensors, type SafetensorsFile } from "./checkpoint/safetensors.js";
/** DeepFloyd IF exports (browser-safe parts; `loadDeepFloyd` is in `./node`). */
export * from "./deepfloyd/index.js";
export { ADAM_DEFAULTS, type AdamOptions, type AdamState, type AdamUpdate, adamUpdates } from "./graph/adam.js";
export { backward } from "./graph/autodiff.js";
export {
  type AttrValue,
  attrFloat,
  attrInt,
  attrInts,
  type DType,
  GraphBuilder,
  OPSET,
  type SymTensor,
} from "./graph/builder.js";
export { readOnnxMetadata, type SerializeOptions, serializeGraph } from "./graph/serialize.js";
export {
  buildEvaluationGraph,
  buildInferenceGraph,
  buildTrainingGraph,
  CARD_METADATA_KEY,
  describeModel,
  type EvaluationGraph,
  expAvgName,
  expAvgSqName,
  initWeights,
  type ModelDescription,
  nextName,
  type TrainingGraph,
  type TrainingGraphOptions,
} from "./graphs.js";
export { type DecodePngOptions, decodePng, encodePng } from "./image/png.js";
export { type Conditioning, classifier, unet } from "./nn/architectures.js";
export { type NamedTensors, NetContext, type ParamInit, type ParamSpec } from "./nn/context.js";
export {
  type CardOptions,
  DDPM_TRAIN_TIMESTEPS,
  DEFAULT_NOISE_SCHEDULE,
  IMAGE_SHAPE,
  MODEL_KINDS,
  type ModelCard,
  type ModelKind,
  modelCard,
  NUM_CLASSES,
  type RecordedSampling,
} from "./nn/kinds.js";
export { type ConvOptions, conv2d, convTranspose2d } from "./ops/conv.js";
export {
  add,
  concat,
  div,
  flatten,
  gelu,
  globalAvgPool,
  linear,
  mul,
  relu,
  reshape,
  scale,
  sub,
  unsqueeze,
} from "./ops/elementwise.js";
export { crossEntropyLoss, mseLoss } from "./ops/loss.js";
export { BATCH_NORM_DEFAULTS, type BatchNormOptions, batchNorm2dEval, batchNorm2dTrain } from "./ops/norm.js";
export { classVectors, createDenoiser } from "./runtime/denoiser.js";
export { type ModelInputs, type RunnableModel, readModelCard } from "./runtime/inference-model.js";
export {
  COURSE_TIMESTEPS,
  courseSteps,
  discreteTimesteps,
  type SamplerRequest,
  type SamplingDefaults,
  type SamplingPolicy,
  samplerFor,
  samplingPolicy,
} from "./sampling/policy.js";
export { type SampleImagesOptions, sampleImages } from "./sampling/sample-images.js";
export {
  type DiscreteTimesteps,
  SAMPLER_NAMES,
  SAMPLERS,
  type SamplerEntry,
  type SamplerName,
  samplersFor,
} from "./sampling/samplers.js";
