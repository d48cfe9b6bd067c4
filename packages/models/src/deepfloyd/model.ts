/**
 * A whole IF export put together from its parts (already-open sessions and files), independent of where the files
 * come from: `loadDeepFloyd` in `@diffusion-studio/models/node` reads a directory; a browser build can fetch them.
 */
import type { EmbeddingStore } from "./embeddings.js";
import type { DeepFloydManifest } from "./manifest.js";
import type { OnnxSession, TensorFactory } from "./onnx-io.js";
import { createPromptEmbedder, type PromptEmbedder } from "./prompts.js";
import { createStage1, createStage2, type DeepFloydStage1, type DeepFloydStage2 } from "./stages.js";
import type { T5TextEncoder } from "./text-encoder.js";
import { IfUnet } from "./unet.js";

export interface DeepFloydModel {
  readonly manifest: DeepFloydManifest;
  /** Present when the export has stage I. */
  readonly stage1: DeepFloydStage1 | null;
  /** Present when the export has stage II. */
  readonly stage2: DeepFloydStage2 | null;
  /** The precomputed prompts (null when the export skipped embeddings). */
  readonly embeddings: EmbeddingStore | null;
  /** Prompt → embedding as the denoisers use it (store, then the live encoder if any). */
  readonly prompts: PromptEmbedder;
  /** The live T5 encoder, when the export has one and it was loaded. */
  readonly textEncoder: T5TextEncoder | null;
  /** Releases every session. */
  dispose(): Promise<void>;
}

export interface DeepFloydParts {
  readonly manifest: DeepFloydManifest;
  readonly tensor: TensorFactory;
  readonly stage1?: OnnxSession;
  readonly stage2?: OnnxSession;
  readonly embeddings: EmbeddingStore | null;
  readonly textEncoder?: T5TextEncoder | null;
  /** Most rows per UNet run (larger CFG/view batches are split). Default: no limit. */
  readonly maxBatch?: number;
}

/** `maxBatch` is a positive integer or absent: 0 rows per run could never finish a batch. */
export function checkMaxBatch(maxBatch: number | undefined): void {
  if (maxBatch !== undefined && !(Number.isInteger(maxBatch) && maxBatch >= 1)) {
    throw new RangeError(`\`maxBatch\` must be an integer ≥ 1 (got ${maxBatch})`);
  }
}

export function assembleDeepFloyd(parts: DeepFloydParts): DeepFloydModel {
  const { manifest } = parts;
  checkMaxBatch(parts.maxBatch);
  const any = manifest.stages.stage1 ?? manifest.stages.stage2!;
  const prompts = createPromptEmbedder(parts.embeddings, parts.textEncoder ?? null, [any.textSeqLen, any.textDim]);
  const unet1 =
    parts.stage1 &&
    manifest.stages.stage1 &&
    new IfUnet(manifest.stages.stage1, parts.stage1, parts.tensor, parts.maxBatch);
  const unet2 =
    parts.stage2 &&
    manifest.stages.stage2 &&
    new IfUnet(manifest.stages.stage2, parts.stage2, parts.tensor, parts.maxBatch);
  return {
    manifest,
    stage1: unet1 ? createStage1(unet1, prompts) : null,
    stage2: unet2 ? createStage2(unet2, prompts) : null,
    embeddings: parts.embeddings,
    prompts,
    textEncoder: parts.textEncoder ?? null,
    async dispose() {
      await Promise.all([unet1?.release(), unet2?.release(), parts.textEncoder?.release()]);
    },
  };
}
