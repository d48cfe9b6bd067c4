import {
  DdimSampler,
  DpmSolverSampler,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
  type Sampler,
  StridedDdpmSampler,
} from "@diffusion-studio/core";
import { discreteTimesteps } from "@diffusion-studio/models";
import { coreSchedule } from "../config/schedule.js";
import type { DdpmConfig, FlowConfig } from "../config/schema.js";

/** The budgets the sweep compares: model evaluations per image (×2 model passes with CFG). */
export const SWEEP_NFE: readonly number[] = [4, 6, 8, 12, 16, 25, 50];
/** The CFG γ values swept for class-conditioned models (the course uses 5). */
export const SWEEP_GUIDANCE: readonly number[] = [0, 1, 2, 3, 5, 7];

/** A sampler family, built for a budget: the most steps whose evaluations fit in `nfe`. */
export interface SweepSampler {
  /** The name the sampling policy's table knows it by. */
  readonly name: string;
  build(nfe: number): Sampler;
}

/**
 * The samplers compared for a generator: flow models Euler (the course's), Heun and DPM-Solver++(2M); ε-models the
 * strided DDPM walk (posterior variance), DDIM (η = 0) and DPM-Solver++(2M) on the timesteps the sampling policy gives
 * a step count (evenly spaced; at T = 1000 from part A's 990).
 */
export function sweepSamplers(config: FlowConfig | DdpmConfig): SweepSampler[] {
  if (config.objective === "flow") {
    return [
      { name: "flow-euler", build: (nfe) => new FlowEulerSampler({ numSteps: nfe }) },
      { name: "flow-heun", build: (nfe) => FlowHeunSampler.forEvaluations(nfe) },
      { name: "flow-dpm-solver", build: (nfe) => new FlowDpmSolverSampler({ numSteps: nfe }) },
    ];
  }
  const schedule = coreSchedule(config.ddpm.schedule);
  const timesteps = (nfe: number) => discreteTimesteps(config.ddpm.schedule.T, { steps: nfe });
  return [
    {
      name: "ddpm",
      build: (nfe) =>
        new StridedDdpmSampler({ schedule, timesteps: timesteps(nfe), toClean: true, variance: "fixed_small" }),
    },
    { name: "ddim", build: (nfe) => new DdimSampler({ schedule, timesteps: timesteps(nfe) }) },
    { name: "dpm-solver", build: (nfe) => new DpmSolverSampler({ schedule, timesteps: timesteps(nfe) }) },
  ];
}
