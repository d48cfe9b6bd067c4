import fs from "node:fs/promises";
import path from "node:path";
import { type ImageBatch, sample, stridedTimesteps } from "@diffusion-studio/core";
import { type DeepFloydModel, loadDeepFloyd } from "@diffusion-studio/models/node";
import { RGB_PIXELS } from "./images.js";
import type { Runnable, UpscaleOptions, Upscaler } from "./runnable.js";

/** Opening the UNets (gigabytes for the real IF) costs far more than a job: one load per worker and export version. */
const cache = new Map<string, { mtimeMs: number; model: Promise<DeepFloydModel> }>();

async function loadCached(dir: string, device: "cpu" | "cuda" | "auto", threads: number): Promise<DeepFloydModel> {
  const { mtimeMs } = await fs.stat(path.join(dir, "manifest.json"));
  const key = `${dir}|${device}|${threads}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.model;
  if (hit) void hit.model.then((m) => m.dispose()).catch(() => undefined);
  const model = loadDeepFloyd(dir, { device, threads });
  cache.set(key, { mtimeMs, model });
  model.catch(() => cache.delete(key));
  return model;
}

/** Part A's 990, 960, …, 0: what 34 steps mean for IF (other counts use the scheduler's own spacing). */
const COURSE_TIMESTEPS = stridedTimesteps(990, 30, 0);

/**
 * DeepFloyd IF for the worker: stage I's denoiser with its own sampler (the export's scheduler config: learned-range
 * variance, dynamic thresholding), and stage II as the upscaler when the export has one.
 */
export async function deepFloydRunnable(
  dir: string,
  device: "cpu" | "cuda" | "auto",
  threads: number,
): Promise<Runnable> {
  const model = await loadCached(dir, device, threads);
  const stage1 = model.stage1;
  if (!stage1) throw new Error(`${dir}: this export has no stage I`);
  const T = stage1.manifest.scheduler.num_train_timesteps;
  const size = stage1.manifest.sampleSize;
  return {
    denoiser: stage1.denoiser,
    pixels: RGB_PIXELS,
    sampler: (steps) =>
      stage1.sampler(
        steps === COURSE_TIMESTEPS.length ? { timesteps: COURSE_TIMESTEPS } : { numInferenceSteps: steps },
      ),
    time: (t1000) => Math.min(T - 1, Math.round((t1000 / 1000) * T)),
    // The course's 33-tap kernel at 64², scaled with the image as visual_anagrams does (at least ±3σ), odd, inside it.
    hybridKernel: (sigma) =>
      Math.min(
        Math.max(2 * Math.round((33 * size) / 64 / 2 - 0.5) + 1, 2 * Math.ceil(3 * sigma) + 1),
        2 * Math.floor((size - 1) / 2) - 1,
      ),
    upscaler: model.stage2 ? stage2Upscaler(model) : undefined,
  };
}

function stage2Upscaler(model: DeepFloydModel): Upscaler {
  const stage2 = model.stage2!;
  return {
    size: stage2.manifest.sampleSize,
    async upscale(options: UpscaleOptions): Promise<ImageBatch> {
      const { image, noise } = options;
      return sample({
        ...options.run,
        // Upsampled (bilinear, align_corners) and noised once at the manifest's noise level, as diffusers does.
        denoiser: stage2.conditioned({ image, noise }),
        sampler: stage2.sampler({ numInferenceSteps: options.steps }),
        noise,
        condition: options.condition,
        batchSize: image.shape[0],
        guidanceScale: options.guidance,
      });
    },
  };
}
