import fs from "node:fs/promises";
import {
  ancestralDdpmSampler,
  type Denoiser,
  FlowEulerSampler,
  type Sampler,
  StridedDdpmSampler,
  spacedTimesteps,
  stridedTimesteps,
} from "@diffusion-studio/core";
import { createDenoiser, DEFAULT_NOISE_SCHEDULE, type ModelCard } from "@diffusion-studio/models";
import { loadInferenceModel } from "@diffusion-studio/models/node";

export interface LoadedModel {
  readonly card: ModelCard;
  readonly denoiser: Denoiser;
  dispose(): Promise<void>;
}

/** Sessions stay loaded between jobs: creating one costs far more than a 28×28 step. */
const cache = new Map<string, { mtimeMs: number; model: Promise<LoadedModel> }>();

export async function loadModel(file: string, device: "cpu" | "cuda" | "auto", threads: number): Promise<LoadedModel> {
  const { mtimeMs } = await fs.stat(file);
  const key = `${file}|${device}|${threads}`;
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.model;
  if (hit) void hit.model.then((m) => m.dispose()).catch(() => undefined);
  const model = (async () => {
    const onnx = new Uint8Array(await fs.readFile(file));
    const runnable = await loadInferenceModel(onnx, { device, threads });
    return { card: runnable.card, denoiser: createDenoiser(runnable), dispose: () => runnable.dispose() };
  })();
  cache.set(key, { mtimeMs, model });
  model.catch(() => cache.delete(key));
  return model;
}

/** Part A's list (990, 960, …, 0): used whenever a T = 1000 model is sampled with its 34 steps. */
const COURSE_TIMESTEPS = stridedTimesteps();

/**
 * The sampler a model's card calls for, with `steps` reverse steps: flow Euler for velocity models; for ε models, on
 * the β schedule the model was trained on, the course's full ancestral DDPM when steps = T, part A's strided list for
 * a T = 1000 model at 34 steps, otherwise evenly spaced timesteps of the same schedule.
 */
export function samplerFor(card: ModelCard, steps: number): Sampler {
  if (card.prediction === "velocity") return new FlowEulerSampler({ numSteps: steps });
  const schedule = card.noiseSchedule ?? DEFAULT_NOISE_SCHEDULE;
  const T = card.numTrainTimesteps ?? 300;
  if (steps >= T) return ancestralDdpmSampler({ schedule });
  const course = T === 1000 && steps === COURSE_TIMESTEPS.length;
  return new StridedDdpmSampler({
    schedule,
    timesteps: course ? COURSE_TIMESTEPS : spacedTimesteps(steps, T, "trailing"),
    toClean: true,
    variance: "fixed_small",
  });
}

/**
 * A forward-process time given on the course's 0–999 scale, in the model's own time: a DDPM timestep of its T, or
 * flow time (1 = clean, so t = 250 of 1000 is flow time 0.75).
 */
export function modelTime(card: ModelCard, t1000: number): number {
  if (card.prediction === "velocity") return 1 - t1000 / 1000;
  const T = card.numTrainTimesteps ?? 300;
  return Math.min(T - 1, Math.round((t1000 / 1000) * T));
}
