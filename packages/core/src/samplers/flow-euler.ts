import { checkBatch, checkNumber, checkShape } from "../errors.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import type { ModelPrediction, Sampler, StepOutput } from "./sampler.js";

export interface FlowEulerConfig {
  /** Number of Euler steps N (course's num_ts). Default 50. */
  readonly numSteps?: number;
}

/**
 * Rectified-flow / flow-matching Euler sampler (CS180 part B, Algorithm B.2): t in [0, 1], t = 0 is noise and t = 1
 * is clean, x_t = (1−t)·x0 + t·x1 with x0 ~ N(0, I). Levels are k/N for k = 0 … N; each step is x ← x + (1/N)·u(x, t).
 */
export class FlowEulerSampler implements Sampler {
  readonly name = "flow-euler";
  readonly time = "continuous";
  readonly accepts = ["velocity"] as const;
  readonly levels: readonly number[];
  readonly numSteps: number;

  constructor(config: FlowEulerConfig = {}) {
    this.numSteps = checkNumber("numSteps", config.numSteps ?? 50, { min: 1, max: 100_000, integer: true });
    this.levels = Array.from({ length: this.numSteps + 1 }, (_, k) => k / this.numSteps);
  }

  toJSON(): { type: "flow-euler" } & FlowEulerConfig {
    return { type: "flow-euler", numSteps: this.numSteps };
  }

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

  step(index: number, x: ImageBatch, output: ModelPrediction): StepOutput {
    checkNumber("index", index, { min: 0, max: this.numSteps - 1, integer: true });
    const t = this.levels[index]!;
    const dt = this.levels[index + 1]! - t;
    const u = this.velocity(x, output).data;
    const prevSample = imageBatch(x.shape);
    for (let i = 0; i < u.length; i++) prevSample.data[i] = x.data[i]! + dt * u[i]!;
    return { prevSample, predOriginalSample: this.predictOriginal(t, x, output) };
  }

  private velocity(x: ImageBatch, output: ModelPrediction): ImageBatch {
    if (output.kind !== "velocity") {
      throw new RangeError(
        `\`prediction.kind\` must be "velocity" for the flow Euler sampler (got "${output.kind}"; use StridedDdpmSampler)`,
      );
    }
    return checkShape("prediction", output.prediction, x.shape);
  }
}
