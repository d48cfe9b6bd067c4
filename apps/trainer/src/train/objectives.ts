import type { ExperimentConfig } from "../config/schema.js";
import type { Batch } from "../data/batches.js";
import { MNIST_CLASSES, MNIST_PIXELS } from "../data/mnist.js";

/** The engine's model kinds that the experiments train (names of @diffusion-studio/models). */
export type TrainedModelKind = "denoiser" | "flow-time" | "flow-class" | "ddpm-class" | "classifier";

/** One training step's feeds, batch-major: x [B·784], t [B], c [B·10], target [B·784] (or [B·10] one-hot labels). */
export interface StepInput {
  readonly x: Float32Array;
  readonly t?: Float32Array;
  readonly c?: Float32Array;
  readonly target: Float32Array;
}

export function modelKindOf(config: ExperimentConfig): TrainedModelKind {
  switch (config.objective) {
    case "denoise":
      return "denoiser";
    case "flow":
      return config.flow.conditioning === "class" ? "flow-class" : "flow-time";
    case "ddpm":
      return "ddpm-class";
    case "classify":
      return "classifier";
  }
}

/** One-hot rows for the labels; a row is zeroed with probability `pUncond` (classifier-free guidance dropout). */
export function oneHot(labels: Uint8Array, pUncond: number, uniform: () => number): Float32Array {
  const c = new Float32Array(labels.length * MNIST_CLASSES);
  for (let i = 0; i < labels.length; i++) {
    const drop = pUncond > 0 && uniform() < pUncond;
    if (!drop) c[i * MNIST_CLASSES + labels[i]!] = 1;
  }
  return c;
}

/**
 * Builds the feeds of one step from a batch, drawing the batch's noise from its own stream in a fixed order
 * (times, then noise, then condition drops), so that a seed fixes every number a run sees.
 *
 * `alphasCumprod` is the DDPM schedule's ᾱ_t (required for `ddpm`).
 */
export function prepareStep(config: ExperimentConfig, batch: Batch, alphasCumprod?: Float32Array): StepInput {
  const { rng, images: x1, size } = batch;
  switch (config.objective) {
    case "denoise": {
      // z = x + σ·ε, re-noised every time the batch is fetched; the pure-noise variant sees z = ε.
      const noise = rng.fillNormal(new Float32Array(x1.length));
      const { sigma, pureNoise } = config.denoise;
      const x = pureNoise ? noise : Float32Array.from(x1, (v, i) => v + sigma * noise[i]!);
      return { x, target: x1 };
    }
    case "flow": {
      // x_t = (1 − t)·x0 + t·x1 with x0 ~ N(0, I), t ~ U[0, 1]; target u = x1 − x0 (spec §4.3).
      const t = rng.fillUniform(new Float32Array(size));
      const x0 = rng.fillNormal(new Float32Array(x1.length));
      const x = new Float32Array(x1.length);
      const target = new Float32Array(x1.length);
      for (let i = 0; i < size; i++) {
        const ti = t[i]!;
        for (let p = i * MNIST_PIXELS; p < (i + 1) * MNIST_PIXELS; p++) {
          x[p] = (1 - ti) * x0[p]! + ti * x1[p]!;
          target[p] = x1[p]! - x0[p]!;
        }
      }
      if (config.flow.conditioning === "time") return { x, t, target };
      return { x, t, c: oneHot(batch.labels, config.flow.pUncond, rng.uniform), target };
    }
    case "ddpm": {
      // x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε with t ~ U{0 … T−1}; the network sees t / T and predicts ε (spec §4.4).
      if (!alphasCumprod) throw new Error("prepareStep: the ddpm objective needs the schedule's alphasCumprod");
      const T = alphasCumprod.length;
      const steps = new Uint32Array(size);
      for (let i = 0; i < size; i++) steps[i] = rng.int(T);
      const eps = rng.fillNormal(new Float32Array(x1.length));
      const x = new Float32Array(x1.length);
      for (let i = 0; i < size; i++) {
        const alphaBar = alphasCumprod[steps[i]!]!;
        const a = Math.sqrt(alphaBar);
        const b = Math.sqrt(1 - alphaBar);
        for (let p = i * MNIST_PIXELS; p < (i + 1) * MNIST_PIXELS; p++) x[p] = a * x1[p]! + b * eps[p]!;
      }
      const t = Float32Array.from(steps, (s) => s / T);
      return { x, t, c: oneHot(batch.labels, config.ddpm.pUncond, rng.uniform), target: eps };
    }
    case "classify":
      return { x: x1, target: oneHot(batch.labels, 0, rng.uniform) };
  }
}
