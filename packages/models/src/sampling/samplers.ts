/**
 * The samplers a sampling policy can hand out, one row per algorithm. A new sampler is a new row: the policy then
 * offers it to every model whose prediction it integrates. Row names are the ones `evaluate --sweep` records in a
 * model card's `sampling.sampler`.
 */
import {
  ancestralDdpmSampler,
  DdimSampler,
  DpmSolverSampler,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
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
      /** Continuous flow time: the sampler takes a budget of model evaluations (`steps`). */
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
  "flow-heun": {
    time: "continuous",
    prediction: "velocity",
    description:
      "Heun's second-order steps of the flow ODE: N steps cost 2N − 1 evaluations (an even budget uses one less)",
    build: (steps: number) => FlowHeunSampler.forEvaluations(steps),
  },
  "flow-dpm-solver": {
    time: "continuous",
    prediction: "velocity",
    description: "DPM-Solver++(2M) on the flow path: second-order multistep, one evaluation per step",
    build: (steps: number) => new FlowDpmSolverSampler({ numSteps: steps }),
  },
  ddim: {
    time: "discrete",
    prediction: "epsilon",
    description: "DDIM with η = 0: the deterministic ODE on the model's own ᾱ schedule, one evaluation per timestep",
    build: ({ schedule, timesteps }: DiscreteTimesteps) => new DdimSampler({ schedule, timesteps, eta: 0 }),
  },
  "dpm-solver": {
    time: "discrete",
    prediction: "epsilon",
    description: "DPM-Solver++(2M) on the model's own ᾱ schedule: second-order multistep, one evaluation per timestep",
    build: ({ schedule, timesteps }: DiscreteTimesteps) => new DpmSolverSampler({ schedule, timesteps }),
  },
} as const satisfies Record<string, SamplerEntry>;

/** The name of a registered sampler. */
export type SamplerName = keyof typeof SAMPLERS;

export const SAMPLER_NAMES = Object.keys(SAMPLERS) as SamplerName[];

/** The course's sampler for each prediction: what a model runs when its card records no choice. */
export const COURSE_SAMPLERS = { velocity: "flow-euler", epsilon: "ddpm" } as const satisfies Record<
  SamplerEntry["prediction"],
  SamplerName
>;

/** The registered samplers that integrate `prediction`, the course's first. */
export function samplersFor(prediction: SamplerEntry["prediction"]): SamplerName[] {
  const course = COURSE_SAMPLERS[prediction];
  return [course, ...SAMPLER_NAMES.filter((name) => name !== course && SAMPLERS[name].prediction === prediction)];
}
