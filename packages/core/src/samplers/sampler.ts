import type { PredictionKind } from "../denoiser.js";
import type { ImageBatch } from "../tensor.js";

/** A (possibly guided) model output handed to a sampler step. */
export interface ModelPrediction {
  readonly kind: PredictionKind;
  /** ε, velocity or x̂0 (per `kind`), same shape as x. */
  readonly prediction: ImageBatch;
  /** Learned-range variance channels v, same shape as x, when the model predicts them. */
  readonly variance?: ImageBatch;
}

/**
 * What a step hands to the next one: a two-stage step's first stage (Heun's predictor), or a multistep solver's
 * previous clean-image estimate. Opaque to callers: pass step i's `carry` into step i + 1.
 */
export interface StepCarry {
  /** The sampler (`name`) and step that made it, so a carry from another run or sampler is refused. */
  readonly sampler: string;
  readonly index: number;
}

export interface StepOutput {
  /** The sample at the next (less noisy) level. */
  readonly prevSample: ImageBatch;
  /** The step's estimate of the clean image (x̂0 for DDPM, x̂1 for flow). */
  readonly predOriginalSample: ImageBatch;
  /** For the next step, from samplers that remember (Heun, DPM-Solver++(2M)); undefined from the others. */
  readonly carry?: StepCarry;
}

/**
 * What every procedure needs from a sampler. A sampler visits a list of noise `levels` (the times the denoiser
 * receives); step i moves from levels[i] to levels[i+1], and the result lives at the last level. Every step is one
 * model evaluation, so `numSteps` is the number of function evaluations (NFE): a second-order sampler such as Heun
 * takes its two stages as two steps (the second repeats its level), handing the first stage over in `carry`.
 */
export interface Sampler {
  readonly name: string;
  /** How times are passed to the denoiser: integer training timesteps, or flow time in [0, 1]. */
  readonly time: "discrete" | "continuous";
  /** The prediction kinds `step` accepts. */
  readonly accepts: readonly PredictionKind[];
  readonly levels: readonly number[];
  /** levels.length − 1 = model evaluations (NFE) of a whole run. */
  readonly numSteps: number;
  /** Forward process: the clean image noised to `levels[levelIndex]` with the given N(0, I) noise. */
  addNoise(clean: ImageBatch, levelIndex: number, noise: ImageBatch): ImageBatch;
  /** Forward process to an arbitrary time t (a training timestep, or flow time). */
  addNoiseAt(clean: ImageBatch, t: number, noise: ImageBatch): ImageBatch;
  /** Whether step `index` adds fresh noise (and so wants a noise tensor). */
  stepNeedsNoise(index: number): boolean;
  /**
   * One reverse step from levels[index] to levels[index + 1]. `carry` is the previous step's `StepOutput.carry`
   * (undefined at the first step of a run); a multistep sampler without one takes a first-order step, and a second
   * stage without its first throws.
   */
  step(index: number, x: ImageBatch, output: ModelPrediction, noise?: ImageBatch, carry?: StepCarry): StepOutput;
  /** Returns `t`, or throws a RangeError naming it unless it is a time this sampler can denoise from. */
  checkTime(t: number): number;
  /** The clean-image estimate from x at time t in one go (course §1.3). */
  predictOriginal(t: number, x: ImageBatch, output: ModelPrediction): ImageBatch;
  /** The serialisable config that rebuilds this sampler. */
  toJSON(): unknown;
}
