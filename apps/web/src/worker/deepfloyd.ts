import fs from "node:fs/promises";
import path from "node:path";
import { type ImageBatch, sample } from "@diffusion-studio/core";
import { deepFloydSamplingPolicy } from "@diffusion-studio/models";
import { type DeepFloydModel, loadDeepFloyd } from "@diffusion-studio/models/node";
import { RGB_PIXELS } from "./images.ts";
import type { Runnable, UpscaleOptions, Upscaler } from "./runnable.ts";

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

/**
 * DeepFloyd IF for the worker: stage I's denoiser with its sampling policy (the export's scheduler config:
 * learned-range variance, dynamic thresholding), and stage II as the upscaler when the export has one.
 */
export async function deepFloydRunnable(
  dir: string,
  device: "cpu" | "cuda" | "auto",
  threads: number,
): Promise<Runnable> {
  const model = await loadCached(dir, device, threads);
  const stage1 = model.stage1;
  if (!stage1) throw new Error(`${dir}: this export has no stage I`);
  return {
    denoiser: stage1.denoiser,
    pixels: RGB_PIXELS,
    policy: deepFloydSamplingPolicy(stage1),
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
