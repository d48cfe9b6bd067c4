import { checkNumber } from "../errors.js";
import { makeSchedule, type NoiseSchedule, type ScheduleConfig } from "../schedule.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import { spacedTimesteps } from "../timesteps.js";
import type { ModelPrediction, Sampler, StepCarry, StepOutput } from "./sampler.js";
import { StridedDdpmSampler } from "./strided-ddpm.js";

export interface ScheduleSamplerConfig {
  /** The model's training noise schedule. Default: squaredcos_cap_v2, T = 1000 (DeepFloyd IF). */
  readonly schedule?: ScheduleConfig;
  /**
   * The timesteps to visit, strictly descending integers in [0, T − 1]; the run then steps to the clean image
   * (ᾱ = 1). Default: diffusers' "leading" spacing of 20 steps (`spacedTimesteps(20, T)`).
   */
  readonly timesteps?: readonly number[];
}

/**
 * What the few-step ε-model samplers (DDIM, DPM-Solver++) share: a discrete ᾱ schedule, visited timesteps plus a
 * last step to the clean image (level −1, ᾱ = 1), and the DDPM forward process and x̂0 (delegated to
 * StridedDdpmSampler, so all of them agree to the bit).
 */
export abstract class ScheduleSampler implements Sampler {
  abstract readonly name: string;
  readonly time = "discrete";
  readonly accepts = ["epsilon", "sample"] as const;
  readonly schedule: NoiseSchedule;
  readonly timesteps: readonly number[];
  readonly levels: readonly number[];
  readonly numSteps: number;
  private readonly ddpm: StridedDdpmSampler;

  constructor(config: ScheduleSamplerConfig) {
    const schedule = makeSchedule(config.schedule ?? { type: "squaredcos_cap_v2", numTrainTimesteps: 1000 });
    const timesteps = config.timesteps ?? spacedTimesteps(20, schedule.numTrainTimesteps);
    this.ddpm = new StridedDdpmSampler({ schedule: schedule.config, timesteps, toClean: true });
    this.schedule = this.ddpm.schedule;
    this.timesteps = this.ddpm.timesteps;
    this.levels = this.ddpm.levels;
    this.numSteps = this.ddpm.numSteps;
  }

  abstract toJSON(): unknown;
  abstract stepNeedsNoise(index: number): boolean;
  abstract step(
    index: number,
    x: ImageBatch,
    output: ModelPrediction,
    noise?: ImageBatch,
    carry?: StepCarry,
  ): StepOutput;

  /** ᾱ at timestep t (t = −1 is the clean image, ᾱ = 1). */
  alphaProd(t: number): number {
    return this.ddpm.alphaProd(t);
  }

  addNoise(clean: ImageBatch, levelIndex: number, noise: ImageBatch): ImageBatch {
    return this.ddpm.addNoise(clean, levelIndex, noise);
  }

  addNoiseAt(clean: ImageBatch, t: number, noise: ImageBatch): ImageBatch {
    return this.ddpm.addNoiseAt(clean, t, noise);
  }

  checkTime(t: number): number {
    return this.ddpm.checkTime(t);
  }

  predictOriginal(t: number, x: ImageBatch, output: ModelPrediction): ImageBatch {
    if (output.kind === "velocity") {
      throw new RangeError(
        `\`prediction.kind\` must be one of "epsilon", "sample" for the ${this.name} sampler (got "velocity"; use a flow sampler)`,
      );
    }
    return this.ddpm.predictOriginal(t, x, output);
  }

  /** ε̂ at t: the model's own for ε-models, (x_t − √ᾱ_t·x̂0)/√(1−ᾱ_t) for x0-models. */
  protected epsilon(t: number, x: ImageBatch, output: ModelPrediction, x0: ImageBatch): ImageBatch {
    if (output.kind === "epsilon") return output.prediction;
    const a = this.alphaProd(t);
    const out = imageBatch(x.shape);
    for (let i = 0; i < out.data.length; i++) {
      out.data[i] = (x.data[i]! - Math.sqrt(a) * x0.data[i]!) / Math.sqrt(1 - a);
    }
    return out;
  }

  protected checkIndex(index: number): number {
    return checkNumber("index", index, { min: 0, max: this.numSteps - 1, integer: true });
  }
}
