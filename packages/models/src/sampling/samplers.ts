/**
 * The samplers a sampling policy can hand out, one row per algorithm. A new sampler (DDIM, Heun, DPM-Solver++) is a
 * new row: the policy then offers it to every model whose prediction it integrates.
 */
import {
  ancestralDdpmSampler,
  FlowEulerSampler,
  type Sampler,
  type ScheduleConfig,
  StridedDdpmSampler,
} from "@diffusion-studio/core";

/** What a discrete-time (ε) sampler is built from: the model's β schedule and the training timesteps to visit. */
export interface DiscreteTimesteps {
  readonly schedule: ScheduleConfig;
  readonly numTrainTimesteps: number;
  /** Strictly descending, in [0, T − 1]. */
  readonly timesteps: readonly number[];
}

export type SamplerEntry =
  | {
      /** Continuous flow time: the sampler takes a number of steps. */
      readonly time: "continuous";
      readonly prediction: "velocity";
      readonly description: string;
      build(steps: number): Sampler;
    }
  | {
      /** Discrete DDPM time: the sampler visits the given training timesteps. */
      readonly time: "discrete";
      readonly prediction: "epsilon";
      readonly description: string;
      build(plan: DiscreteTimesteps): Sampler;
    };

export const SAMPLERS = {
  "flow-euler": {
    time: "continuous",
    prediction: "velocity",
    description: "Euler steps of the flow ODE (CS180 part B, Algorithm B.2)",
    build: (steps: number) => new FlowEulerSampler({ numSteps: steps }),
  },
  ddpm: {
    time: "discrete",
    prediction: "epsilon",
    description:
      "ancestral DDPM: every timestep with σ² = β (Algorithm B.2/B.4), or a subset with the posterior variance β̃",
    // A strided step's β = 1 − ᾱ_t/ᾱ_t′ is large, where diffusers' β̃ is the natural choice; the full walk keeps the
    // course's σ² = β.
    build: ({ schedule, numTrainTimesteps, timesteps }: DiscreteTimesteps) =>
      timesteps.length === numTrainTimesteps
        ? ancestralDdpmSampler({ schedule, variance: "fixed_large" })
        : new StridedDdpmSampler({ schedule, timesteps, toClean: true, variance: "fixed_small" }),
  },
} as const satisfies Record<string, SamplerEntry>;

/** The name of a registered sampler. */
export type SamplerName = keyof typeof SAMPLERS;

export const SAMPLER_NAMES = Object.keys(SAMPLERS) as SamplerName[];

/** The registered samplers that integrate `prediction`. */
export function samplersFor(prediction: SamplerEntry["prediction"]): SamplerName[] {
  return SAMPLER_NAMES.filter((name) => SAMPLERS[name].prediction === prediction);
}
