import type { ImageBatch } from "./tensor.js";

/** What one batch item is conditioned on. `null` is the unconditional branch of classifier-free guidance. */
export type Condition = { readonly prompt: string } | { readonly classLabel: number } | null;

/**
 * What the model's main output means:
 * - `epsilon`: the noise ε in x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε (DDPM, DeepFloyd IF);
 * - `velocity`: the flow-matching velocity x1 − x0 on x_t = (1−t)·x0 + t·x1 (t = 1 is clean);
 * - `sample`: the clean image itself (the single-step denoiser).
 */
export type PredictionKind = "epsilon" | "velocity" | "sample";

export interface DenoiserInput {
  /** x_t, [B, C, H, W]. */
  readonly x: ImageBatch;
  /**
   * One timestep per batch item: an integer training timestep (0 … T−1) for discrete-time models, or the flow time
   * in [0, 1] for continuous-time models.
   */
  readonly t: Float32Array;
  /** One condition per batch item. */
  readonly conditions: readonly Condition[];
}

export interface DenoiserOutput {
  readonly kind: PredictionKind;
  /** The prediction, same shape as x. */
  readonly prediction: ImageBatch;
  /** Learned-range variance channels v (nominally in [−1, 1]), same shape as x, when the model predicts them. */
  readonly variance?: ImageBatch;
}

/** Static facts about a denoiser that samplers and UIs adapt to. */
export interface DenoiserInfo {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly prediction: PredictionKind;
  readonly time: "discrete" | "continuous";
  /** Whether `variance` is returned (DeepFloyd IF's learned range). */
  readonly learnedVariance: boolean;
  /**
   * Set when the denoiser is bound to a fixed number of images per branch (DeepFloyd stage II, bound to its
   * low-resolution images): procedures then refuse any other batch size rather than pair images wrongly.
   */
  readonly batchSize?: number;
}

/**
 * Anything that predicts from a noisy batch: an ONNX model, a DeepFloyd stage, or an analytic test oracle.
 * Samplers put every branch of one step (conditional, unconditional, each view) into a single call.
 */
export interface Denoiser {
  readonly info: DenoiserInfo;
  predict(input: DenoiserInput, signal?: CancelSignal): Promise<DenoiserOutput>;
}

/**
 * The part of the standard `AbortSignal` the samplers read. Declared here so that core needs neither DOM nor Node
 * typings; pass a real `AbortSignal`.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
}
