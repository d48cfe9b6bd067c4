import fs from "node:fs/promises";
import { createDenoiser, type SamplingPolicy, samplingPolicy } from "@diffusion-studio/models";
import { loadInferenceModel } from "@diffusion-studio/models/node";
import type { WorkerTask } from "../shared/task.ts";
import { deepFloydRunnable } from "./deepfloyd.ts";
import { MNIST_PIXELS } from "./images.ts";
import type { Runnable } from "./runnable.ts";

/** Opens (or finds in this worker's cache) the task's model: a CS180 UNet file or a DeepFloyd IF export. */
export async function loadRunnable(task: WorkerTask): Promise<Runnable> {
  if (task.model.format === "deepfloyd-if") return deepFloydRunnable(task.model.file, task.device, task.threads);
  const model = await loadModel(task.model.file, task.device, task.threads);
  return { denoiser: model.denoiser, pixels: MNIST_PIXELS, policy: model.policy };
}

interface LoadedModel {
  readonly denoiser: Runnable["denoiser"];
  readonly policy: SamplingPolicy;
  dispose(): Promise<void>;
}

/** Sessions stay loaded between jobs: creating one costs far more than a 28×28 step. */
const cache = new Map<string, { mtimeMs: number; model: Promise<LoadedModel> }>();

async function loadModel(file: string, device: "cpu" | "cuda" | "auto", threads: number): Promise<LoadedModel> {
  const { mtimeMs } = await fs.stat(file);
  const key = `${file}|${device}|${threads}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.model;
  if (hit) void hit.model.then((m) => m.dispose()).catch(() => undefined);
  const model = (async () => {
    const onnx = new Uint8Array(await fs.readFile(file));
    const runnable = await loadInferenceModel(onnx, { device, threads });
    return {
      denoiser: createDenoiser(runnable),
      policy: samplingPolicy(runnable.card),
      dispose: () => runnable.dispose(),
    };
  })();
  cache.set(key, { mtimeMs, model });
  model.catch(() => cache.delete(key));
  return model;
}
