import type { CancelSignal } from "./denoiser.js";
import { checkNumber, throwIfAborted } from "./errors.js";
import type { NoiseSource } from "./random.js";
import type { ModelPrediction, Sampler, StepCarry } from "./samplers/sampler.js";
import type { ImageBatch } from "./tensor.js";

/** Reported after every `progressEvery`-th step and after the last one. */
export interface ProgressEvent {
  /** Steps done so far in this run (1 … totalSteps). */
  readonly step: number;
  readonly totalSteps: number;
  /** Index into `sampler.levels` of `x`. */
  readonly levelIndex: number;
  /** The time of `x` (a training timestep, or flow time). */
  readonly t: number;
  /** The current sample x_t (after any inpainting paste). */
  readonly x: ImageBatch;
  /** The step's clean-image estimate x̂0. */
  readonly predOriginal: ImageBatch;
}

export interface RunOptions {
  /** Called with intermediates; may be async (the loop waits, so a UI can draw). */
  readonly onProgress?: (event: ProgressEvent) => void | Promise<void>;
  /** Report every k-th step (default 1). */
  readonly progressEvery?: number;
  /** Checked before each step and passed to the denoiser; aborting throws an `AbortError`. */
  readonly signal?: CancelSignal;
}

export interface LoopOptions extends RunOptions {
  readonly sampler: Sampler;
  /** x at `levels[startIndex]`. */
  readonly x: ImageBatch;
  readonly startIndex: number;
  readonly predict: (x: ImageBatch, levelIndex: number) => Promise<ModelPrediction>;
  readonly noise: NoiseSource;
  /** Applied to each new sample before it is reported (inpainting's paste). */
  readonly afterStep?: (x: ImageBatch, levelIndex: number) => ImageBatch;
}

/** The reverse loop shared by every procedure: predict, step, paste, report, for levels startIndex … end. */
export async function runReverseLoop(options: LoopOptions): Promise<ImageBatch> {
  const { sampler, startIndex, signal } = options;
  const every = checkNumber("progressEvery", options.progressEvery ?? 1, { min: 1, integer: true });
  checkNumber("startIndex", startIndex, { min: 0, max: sampler.numSteps - 1, integer: true });
  let x = options.x;
  const totalSteps = sampler.numSteps - startIndex;
  let carry: StepCarry | undefined; // none at the first step: multistep samplers start first-order
  for (let i = startIndex; i < sampler.numSteps; i++) {
    throwIfAborted(signal);
    const output = await options.predict(x, i);
    throwIfAborted(signal);
    const noise = sampler.stepNeedsNoise(i) ? options.noise.gaussian(x.shape, "step") : undefined;
    const stepped = sampler.step(i, x, output, noise, carry);
    const { prevSample, predOriginalSample } = stepped;
    carry = stepped.carry;
    x = options.afterStep ? options.afterStep(prevSample, i + 1) : prevSample;
    const step = i - startIndex + 1;
    if (options.onProgress && (step % every === 0 || step === totalSteps)) {
      await options.onProgress({
        step,
        totalSteps,
        levelIndex: i + 1,
        t: sampler.levels[i + 1]!,
        x,
        predOriginal: predOriginalSample,
      });
    }
  }
  return x;
}
