/** DeepFloyd IF exports: manifest, embedding store, stage denoisers, samplers (browser-safe; no ONNX Runtime import). */
export { createStageDenoiser, type LowResConditioning, stageInfo } from "./denoiser.js";
export { EMBEDDINGS_INDEX_FORMAT, EmbeddingStore, preprocessPrompt, UnknownPromptError } from "./embeddings.js";
export { float32ToHalf, fromHalfBits, halfToFloat32, toHalfBits } from "../numeric/float16.js";
export {
  type DeepFloydManifest,
  type EmbeddingsManifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  parseSchedulerConfig,
  type SchedulerConfig,
  type StageManifest,
  type TensorDtype,
  type TensorSpec,
  type TextEncoderManifest,
} from "./manifest.js";
export { assembleDeepFloyd, type DeepFloydModel, type DeepFloydParts } from "./model.js";
export type { OnnxSession, TensorData, TensorFactory } from "./onnx-io.js";
export { createPromptEmbedder, type PromptEmbedder, type PromptEncoder, promptsOf } from "./prompts.js";
export { deepFloydSamplingPolicy } from "./sampling.js";
export { type IfSamplerOptions, ifSampler, samplerConfig, scheduleOf } from "./scheduler.js";
export {
  createStage1,
  createStage2,
  type DeepFloydStage1,
  type DeepFloydStage2,
  type Stage2ConditionOptions,
  type Stage2Denoiser,
} from "./stages.js";
export { createTextEncoder, type T5TextEncoder } from "./text-encoder.js";
export { type Tokenizer, unigramTokenizer } from "./tokenizer.js";
export { IfUnet, type UnetInputs } from "./unet.js";
export { DeepFloydFormatError } from "./validate.js";
