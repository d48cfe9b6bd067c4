import type { CancelSignal, Denoiser } from "../denoiser.js";
import { checkFinite, checkNumber, checkShape } from "../errors.js";
import { guidedPredict } from "../guidance.js";
import type { NoiseSource } from "../random.js";
import type { Sampler } from "../samplers/sampler.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import {
  type ConditioningOptions,
  checkCompatible,
  impliedBatchSize,
  makeBranch,
  runPlan,
  type SamplingOptions,
  shapeFor,
} from "./common.js";

/** Course §1.1: the forward process q(x_t | x0) at time t, with fresh or explicit N(0, I) noise. */
export function forwardProcess(
  sampler: Sampler,
  image: ImageBatch,
  t: number,
  noise: NoiseSource | ImageBatch,
): ImageBatch {
  checkFinite("image", image);
  const z = "gaussian" in noise ? noise.gaussian(image.shape, "forward") : checkFinite("noise", noise);
  return sampler.addNoiseAt(image, t, z);
}

export interface OneStepDenoiseOptions extends ConditioningOptions {
  readonly denoiser: Denoiser;
  readonly sampler: Sampler;
  /** The noisy image x_t. */
  readonly x: ImageBatch;
  /** Its time (a training timestep, or flow time). */
  readonly t: number;
  readonly signal?: CancelSignal;
}

/** Course §1.3: the clean-image estimate from one model call, x̂0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t. */
export async function oneStepDenoise(options: OneStepDenoiseOptions): Promise<ImageBatch> {
  const { denoiser, sampler, x, t } = options;
  checkFinite("x", x);
  checkCompatible(denoiser, sampler, x.shape);
  sampler.checkTime(t); // before the model runs: a UNet call on IF takes seconds
  const branch = makeBranch("condition", options.condition, options.unconditional, x.shape[0]);
  const plan = { branches: [branch], guidanceScale: options.guidanceScale, reduction: "mean" as const };
  const output = await guidedPredict(denoiser, plan, x, t, options.signal);
  return sampler.predictOriginal(t, x, output);
}

export interface IterativeDenoiseOptions extends SamplingOptions, ConditioningOptions {
  /** x at `sampler.levels[iStart]`. */
  readonly x: ImageBatch;
  /** Index into the sampler's levels where x lives (course §1.4: 10, i.e. t = 690). */
  readonly iStart: number;
}

/** Course §1.4 (and §1.6 with `guidanceScale`): denoise x from level `iStart` to the end. */
export async function iterativeDenoise(options: IterativeDenoiseOptions): Promise<ImageBatch> {
  checkFinite("x", options.x);
  const b = options.x.shape[0];
  const branch = makeBranch("condition", options.condition, options.unconditional, b);
  const plan = { branches: [branch], guidanceScale: options.guidanceScale, reduction: "mean" as const };
  return runPlan(options, plan, { kind: "noisy", x: options.x, iStart: options.iStart });
}

export interface SampleOptions extends SamplingOptions, ConditioningOptions {
  /** Number of images; default: the number of per-image conditions, else 1. */
  readonly batchSize?: number;
  /** Explicit x at level 0 instead of drawing it from `noise`. */
  readonly initialNoise?: ImageBatch;
}

/**
 * Course §1.5 (sampling from noise), §1.6 (CFG with `guidanceScale`), part B Algorithm B.2/B.4 (DDPM or flow,
 * class-conditional with CFG): start from N(0, I) and run every step.
 */
export async function sample(options: SampleOptions): Promise<ImageBatch> {
  const b =
    options.batchSize ?? options.initialNoise?.shape[0] ?? impliedBatchSize(options.condition, options.unconditional);
  const branch = makeBranch("condition", options.condition, options.unconditional, b);
  const plan = { branches: [branch], guidanceScale: options.guidanceScale, reduction: "mean" as const };
  return runPlan(options, plan, {
    kind: "noise",
    shape: shapeFor(options.denoiser, b),
    initialNoise: options.initialNoise,
  });
}

/** Part B §1.2 (single-step denoiser data): z = x + σ·ε with ε ~ N(0, I). */
export function addGaussianNoise(image: ImageBatch, sigma: number, noise: NoiseSource | ImageBatch): ImageBatch {
  checkFinite("image", image);
  checkNumber("sigma", sigma, { min: 0 });
  const z = "gaussian" in noise ? noise.gaussian(image.shape, "forward") : checkShape("noise", noise, image.shape);
  const out = imageBatch(image.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = image.data[i]! + sigma * z.data[i]!;
  return out;
}
