import { checkBatch, checkNumber, checkShape } from "../errors.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import type { ModelPrediction, Sampler, StepCarry, StepOutput } from "./sampler.js";

/**
 * What every flow-matching sampler shares (CS180 part B): t in [0, 1], t = 0 is noise and t = 1 is clean,
 * x_t = (1−t)·x0 + t·x1 with x0 ~ N(0, I), and the model predicts the velocity u = x1 − x0.
 */
export abstract class FlowSampler implements Sampler {
  abstract readonly name: string;
  readonly time = "continuous";
  readonly accepts = ["velocity"] as const;
  abstract readonly levels: readonly number[];
  abstract readonly numSteps: number;

  abstract toJSON(): unknown;
  abstract step(
    index: number,
    x: ImageBatch,
    output: ModelPrediction,
    noise?: ImageBatch,
    carry?: StepCarry,
  ): StepOutput;

  addNoise(clean: ImageBatch, levelIndex: number, noise: ImageBatch): ImageBatch {
    checkNumber("levelIndex", levelIndex, { min: 0, max: this.numSteps, integer: true });
    return this.addNoiseAt(clean, this.levels[levelIndex]!, noise);
  }

  /** x_t = (1−t)·noise + t·clean. */
  addNoiseAt(clean: ImageBatch, t: number, noise: ImageBatch): ImageBatch {
    checkBatch("clean", clean);
    checkShape("noise", noise, clean.shape);
    checkNumber("t", t, { min: 0, max: 1 });
    const out = imageBatch(clean.shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = (1 - t) * noise.data[i]! + t * clean.data[i]!;
    return out;
  }

  stepNeedsNoise(): boolean {
    return false;
  }

  checkTime(t: number): number {
    return checkNumber("t", t, { min: 0, max: 1 });
  }

  /** x̂1 = x_t + (1 − t)·u. */
  predictOriginal(t: number, x: ImageBatch, output: ModelPrediction): ImageBatch {
    this.checkTime(t);
    const u = this.velocity(x, output);
    const out = imageBatch(x.shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[i]! + (1 - t) * u.data[i]!;
    return out;
  }

  /** The model's velocity, or a RangeError for any other prediction kind or shape. */
  protected velocity(x: ImageBatch, output: ModelPrediction): ImageBatch {
    if (output.kind !== "velocity") {
      throw new RangeError(
        `\`prediction.kind\` must be "velocity" for the ${this.name} sampler (got "${output.kind}"; use an ε-model sampler such as StridedDdpmSampler)`,
      );
    }
    return checkShape("prediction", output.prediction, x.shape);
  }

  protected checkIndex(index: number): number {
    return checkNumber("index", index, { min: 0, max: this.numSteps - 1, integer: true });
  }
}

/** A flow sampler with one model evaluation per step, on the evenly spaced times k/N for k = 0 … N. */
export abstract class UniformFlowSampler extends FlowSampler {
  readonly levels: readonly number[];
  readonly numSteps: number;

  constructor(numSteps: number) {
    super();
    this.numSteps = checkNumber("numSteps", numSteps, { min: 1, max: 100_000, integer: true });
    this.levels = uniformFlowTimes(this.numSteps);
  }
}

/** k/N for k = 0 … N: the course's evenly spaced flow times. */
export function uniformFlowTimes(numSteps: number): number[] {
  return Array.from({ length: numSteps + 1 }, (_, k) => k / numSteps);
}

/** x + h·u in float64, stored as float32. */
export function eulerUpdate(x: ImageBatch, h: number, u: ImageBatch): ImageBatch {
  const out = imageBatch(x.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[i]! + h * u.data[i]!;
  return out;
}
