import { type Condition, type Denoiser, type ImageBatch, Rng, type RunOptions } from "@diffusion-studio/core";
import type { SamplerName, SamplingPolicy } from "@diffusion-studio/models";
import type { PixelFormat } from "./images.ts";

export interface UpscaleOptions {
  readonly image: ImageBatch;
  readonly condition: Condition;
  readonly steps: number;
  readonly guidance: number;
  readonly noise: Rng;
  readonly run: RunOptions;
}

/** A super-resolution stage (DeepFloyd IF stage II): conditioned on the low-resolution result and the prompt. */
export interface Upscaler {
  /** Edge length of its output. */
  readonly size: number;
  upscale(options: UpscaleOptions): Promise<ImageBatch>;
}

/** What run-task needs from a model, whatever its format (opened by `loadRunnable` in models.ts). */
export interface Runnable {
  readonly denoiser: Denoiser;
  /** Channels, value range and photo fitting of its images. */
  readonly pixels: PixelFormat;
  /** Samplers, course times and the hybrid kernel, decided by @diffusion-studio/models from the model's card. */
  readonly policy: SamplingPolicy;
  readonly upscaler?: Upscaler;
}

/**
 * The sampler and seeded noise of a `steps`-step run of `model`, with `run`'s cancellation and progress. No
 * `sampler` is the course's: what a recipe that names none has always run.
 */
export function samplingRun<R extends RunOptions>(
  model: Runnable,
  steps: number,
  seed: number,
  run: R,
  sampler: SamplerName = model.policy.course.sampler,
) {
  return {
    denoiser: model.denoiser,
    sampler: model.policy.sampler({ steps, sampler }),
    noise: new Rng(seed >>> 0),
    ...run,
  };
}
