import type { ImageBatch } from "../tensor.js";
import { type DenoisedCarry, dpmSolverPlusPlusUpdate, type PathPoint, previousDenoised } from "./dpm-solver-update.js";
import type { ModelPrediction, StepCarry, StepOutput } from "./sampler.js";
import { ScheduleSampler, type ScheduleSamplerConfig } from "./schedule-sampler.js";

export type DpmSolverConfig = ScheduleSamplerConfig;

/**
 * DPM-Solver++(2M) for ε- (or x0-) models on their own ᾱ schedule (Lu et al. 2022, Algorithm 2; diffusers'
 * DPMSolverMultistepScheduler with algorithm_type "dpmsolver++", solver_order 2, final sigma 0): α_t = √ᾱ_t,
 * σ_t = √(1−ᾱ_t), data prediction x̂0, one model evaluation per step. The first step and the last (to ᾱ = 1) are
 * first order (the first is DDIM's η = 0 step).
 */
export class DpmSolverSampler extends ScheduleSampler {
  readonly name = "dpm-solver++2m";

  constructor(config: DpmSolverConfig = {}) {
    super(config);
  }

  toJSON(): { type: "dpm-solver" } & DpmSolverConfig {
    return { type: "dpm-solver", schedule: this.schedule.config, timesteps: this.timesteps };
  }

  stepNeedsNoise(): boolean {
    return false;
  }

  step(index: number, x: ImageBatch, output: ModelPrediction, _noise?: ImageBatch, carry?: StepCarry): StepOutput {
    this.checkIndex(index);
    const denoised = this.predictOriginal(this.levels[index]!, x, output);
    const previous = previousDenoised(this.name, index, carry);
    const prevSample = dpmSolverPlusPlusUpdate(
      x,
      this.point(index),
      this.point(index + 1),
      denoised,
      previous && { denoised: previous.denoised, point: this.point(index - 1) },
    );
    const next: DenoisedCarry = { sampler: this.name, index, denoised };
    return { prevSample, predOriginalSample: denoised, carry: next };
  }

  /** α = √ᾱ, σ = √(1−ᾱ) at levels[index]. */
  private point(index: number): PathPoint {
    const a = this.alphaProd(this.levels[index]!);
    return { alpha: Math.sqrt(a), sigma: Math.sqrt(1 - a) };
  }
}
