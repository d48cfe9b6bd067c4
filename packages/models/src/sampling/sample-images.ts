/**
 * Sampling a whole batch from an exported model in one call: the model's sampling policy picks the sampler, steps
 * and CFG γ unless the caller names them.
 */
import {
  type CancelSignal,
  checkNumber,
  type ImageBatch,
  type ProgressEvent,
  Rng,
  sample,
} from "@diffusion-studio/core";
import { NUM_CLASSES } from "../nn/kinds.js";
import { createDenoiser } from "../runtime/denoiser.js";
import type { RunnableModel } from "../runtime/inference-model.js";
import { type SamplerRequest, samplingPolicy } from "./policy.js";

export interface SampleImagesOptions extends SamplerRequest {
  /** How many images (1–4096). */
  readonly count: number;
  /** The digit 0–9 to draw, for class-conditioned models. Omit for unconditional samples. */
  readonly classLabel?: number;
  /** Seeds the starting noise and every step's noise: the same seed gives the same bytes everywhere. Default 0. */
  readonly seed?: number;
  /** CFG γ ≥ 0 when a class is asked for. Default: the policy's (5 for the MNIST models). */
  readonly guidanceScale?: number;
  readonly signal?: CancelSignal;
  readonly progressEvery?: number;
  readonly onProgress?: (event: ProgressEvent) => void | Promise<void>;
}

/** `count` images ([count, 1, 28, 28], values in [0, 1]) from an exported flow or ε model. */
export async function sampleImages(model: RunnableModel, options: SampleImagesOptions): Promise<ImageBatch> {
  const policy = samplingPolicy(model.card);
  const count = checkNumber("count", options.count, { min: 1, max: 4096, integer: true });
  const seed = checkNumber("seed", options.seed ?? 0, { min: 0, max: 2 ** 32 - 1, integer: true });
  const { classLabel } = options;
  if (classLabel !== undefined) {
    if (!model.card.classConditioned) {
      throw new RangeError(`\`classLabel\` must be left out: this ${model.card.kind} model is not class-conditioned`);
    }
    checkNumber("classLabel", classLabel, { min: 0, max: NUM_CLASSES - 1, integer: true });
  }
  const guidanceScale = classLabel === undefined ? undefined : (options.guidanceScale ?? policy.defaults.guidanceScale);
  const { steps, stride, sampler } = options;
  return sample({
    denoiser: createDenoiser(model),
    sampler: policy.sampler({ steps, stride, sampler }),
    noise: new Rng(seed),
    condition: classLabel === undefined ? null : { classLabel },
    batchSize: count,
    guidanceScale,
    signal: options.signal,
    progressEvery: options.progressEvery,
    onProgress: options.onProgress,
  });
}
