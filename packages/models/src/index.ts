/**
 * Public API of @diffusion-studio/models (browser-safe: no ONNX Runtime import): the CS180 models as graphs, their
 * cards and checkpoints, the core `Denoiser` adapter, the sampling policy, PNG files and DeepFloyd IF's browser-safe
 * parts. Sessions and the Trainer are in `./node` and `./web`; the raw graph builder and ops in `./graph`.
 */

export { CHECKPOINT_FORMAT, type Checkpoint, decodeCheckpoint, encodeCheckpoint } from "./checkpoint/checkpoint.js";
export { decodeSafetensors, encodeSafetensors, type SafetensorsFile } from "./checkpoint/safetensors.js";
// DeepFloyd IF (browser-safe; `loadDeepFloyd`, which opens an export directory, is in `./node`).
export {
  EMBEDDINGS_INDEX_FORMAT,
  EmbeddingStore,
  preprocessPrompt,
  UnknownPromptError,
} from "./deepfloyd/embeddings.js";
export {
  type DeepFloydManifest,
  type EmbeddingsManifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  type SchedulerConfig,
  type StageManifest,
  type TensorDtype,
  type TensorSpec,
  type TextEncoderManifest,
} from "./deepfloyd/manifest.js";
export { assembleDeepFloyd, type DeepFloydModel, type DeepFloydParts } from "./deepfloyd/model.js";
export type { OnnxSession, TensorData, TensorFactory } from "./deepfloyd/onnx-io.js";
export type { PromptEmbedder } from "./deepfloyd/prompts.js";
export { deepFloydSamplingPolicy, IF_DEFAULTS } from "./deepfloyd/sampling.js";
export { type IfSamplerOptions, ifSampler, scheduleOf } from "./deepfloyd/scheduler.js";
export type {
  DeepFloydStage1,
  DeepFloydStage2,
  Stage2ConditionOptions,
  Stage2Denoiser,
} from "./deepfloyd/stages.js";
export type { T5TextEncoder } from "./deepfloyd/text-encoder.js";
export { type Tokenizer, unigramTokenizer } from "./deepfloyd/tokenizer.js";
export { DeepFloydFormatError } from "./deepfloyd/validate.js";
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
export { float32ToHalf, fromHalfBits, halfToFloat32, toHalfBits } from "./numeric/float16.js";
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
  COURSE_SAMPLERS,
  type DiscreteTimesteps,
  SAMPLER_NAMES,
  SAMPLERS,
  type SamplerEntry,
  type SamplerName,
  samplersFor,
} from "./sampling/samplers.js";
