import type { ImageBatch } from "../tensor.js";
import { type DenoisedCarry, dpmSolverPlusPlusUpdate, type PathPoint, previousDenoised } from "./dpm-solver-update.js";
import { UniformFlowSampler } from "./flow-base.js";
import type { ModelPrediction, StepCarry, StepOutput } from "./sampler.js";

export interface FlowDpmSolverConfig {
  /** Steps N over t = 0 … 1 (evenly spaced), one model evaluation each. Default 20. */
  readonly numSteps?: number;
}

/**
 * DPM-Solver++(2M) on the flow path (Lu et al. 2022; diffusers' DPMSolverMultistepScheduler with flow sigmas):
 * x_t = (1−t)·x0 + t·x1 is the diffusion path with α = t, σ = 1 − t, and the data prediction is x̂1 = x + (1−t)·u.
 * Its first-order step is exactly Euler; the 2M step adds the multistep correction from the previous x̂1, so each
 * step costs one model evaluation. The first two steps (λ = −∞ at t = 0) and the last (to t = 1) are first order.
 */
export class FlowDpmSolverSampler extends UniformFlowSampler {
  readonly name = "flow-dpm-solver++2m";

  constructor(config: FlowDpmSolverConfig = {}) {
    super(config.numSteps ?? 20);
  }

  toJSON(): { type: "flow-dpm-solver" } & FlowDpmSolverConfig {
    return { type: "flow-dpm-solver", numSteps: this.numSteps };
  }

  step(index: number, x: ImageBatch, output: ModelPrediction, _noise?: ImageBatch, carry?: StepCarry): StepOutput {
    this.checkIndex(index);
    const denoised = this.predictOriginal(this.levels[index]!, x, output);
    const previous = previousDenoised(this.name, index, carry);
    const prevSample = dpmSolverPlusPlusUpdate(
      x,
      flowPoint(this.levels[index]!),
      flowPoint(this.levels[index + 1]!),
      denoised,
      previous && { denoised: previous.denoised, point: flowPoint(this.levels[index - 1]!) },
    );
    const next: DenoisedCarry = { sampler: this.name, index, denoised };
    return { prevSample, predOriginalSample: denoised, carry: next };
  }
}

function flowPoint(t: number): PathPoint {
  return { alpha: t, sigma: 1 - t };
}
