import type { Condition, Denoiser, ImageBatch, Rng, RunOptions, Sampler } from "@diffusion-studio/core";
import type { WorkerTask } from "../shared/task.js";
import { deepFloydRunnable } from "./deepfloyd.js";
import { MNIST_PIXELS, type PixelFormat } from "./images.js";
import { loadModel, modelTime, samplerFor } from "./models.js";

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

/** What run-task needs from a model, whatever its format. */
export interface Runnable {
  readonly denoiser: Denoiser;
  /** Channels, value range and photo fitting of its images. */
  readonly pixels: PixelFormat;
  /** The sampler for `steps` reverse steps. */
  sampler(steps: number): Sampler;
  /** A forward-process time on the course's 0–999 scale, in the model's own time. */
  time(t1000: number): number;
  /** The Gaussian kernel the hybrid procedure blurs with at σ. */
  hybridKernel(sigma: number, height: number, width: number): number;
  readonly upscaler?: Upscaler;
}

/** Opens (or finds in this worker's cache) the task's model. */
export async function loadRunnable(task: WorkerTask): Promise<Runnable> {
  if (task.model.format === "deepfloyd-if") return deepFloydRunnable(task.model.file, task.device, task.threads);
  const model = await loadModel(task.model.file, task.device, task.threads);
  return {
    denoiser: model.denoiser,
    pixels: MNIST_PIXELS,
    sampler: (steps) => samplerFor(model.card, steps),
    time: (t) => modelTime(model.card, t),
    // The course's 33-tap kernel is wider than a 28-pixel image; ±3σ covers the same Gaussian.
    hybridKernel: (sigma, h, w) => Math.min(2 * Math.ceil(3 * sigma) + 1, 2 * Math.floor((Math.min(h, w) - 1) / 2) - 1),
  };
}
