/**
 * The one place that decides how a model is sampled: which sampler, which timesteps and how many, the CFG γ it
 * defaults to, and how the course's 0–999 times map onto the model's own time. Derived from the model card, so the
 * trainer, the portal and any other app sample a model the same way.
 */
import {
  checkNumber,
  hybridKernelSize,
  type Sampler,
  type ScheduleConfig,
  spacedTimesteps,
  stridedTimesteps,
} from "@diffusion-studio/core";
import { DEFAULT_NOISE_SCHEDULE, IMAGE_SHAPE, type ModelCard } from "../nn/kinds.js";
import { COURSE_SAMPLERS, type DiscreteTimesteps, SAMPLERS, type SamplerName, samplersFor } from "./samplers.js";

/** What a caller may choose; everything left out comes from the policy's `defaults`. */
export interface SamplerRequest {
  /**
   * Model evaluations per image (×2 passes with CFG): one per step for most samplers; Heun fits the most steps whose
   * 2N − 1 evaluations fit. Default: `defaults.steps`.
   */
  readonly steps?: number;
  /**
   * Discrete-time models only, instead of `steps`: visit every `stride`-th training timestep from the top
   * (part A's 990, 960, …, 0 is stride 30 at T = 1000; stride 1 is the full ancestral walk).
   */
  readonly stride?: number;
  /** One of the policy's `samplers`. Default: `defaults.sampler`. */
  readonly sampler?: SamplerName;
}

export interface SamplingDefaults {
  readonly sampler: SamplerName;
  readonly steps: number;
  /** CFG γ for conditioned models; undefined for unconditional ones (nothing to guide). */
  readonly guidanceScale?: number;
}

export interface SamplingPolicy {
  /** What a caller gets when it names nothing: the card's recorded choice, else the course's. */
  readonly defaults: SamplingDefaults;
  /**
   * The course's sampler and steps (flow-euler 50, ddpm T or 34): what the course's figures (forward process,
   * blur vs one-step vs iterative) walk, whatever the card records.
   */
  readonly course: SamplingDefaults;
  /** The registered samplers that fit this model's prediction. */
  readonly samplers: readonly SamplerName[];
  /** The most reverse steps the model can take (T for discrete-time models). */
  readonly maxSteps: number;
  /** The sampler for a request (bad values are RangeErrors naming the field and its range). */
  sampler(request?: SamplerRequest): Sampler;
  /** A forward-process time on the course's 0–1000 scale (t = 250, 500, 750) in the model's own time. */
  courseTime(t1000: number): number;
  /** The Gaussian kernel size a hybrid image blurs with at σ on this model's images. */
  hybridKernelSize(sigma: number): number;
}

/** The course's part A list (990, 960, …, 0): what 34 steps mean for a T = 1000 model. */
export const COURSE_TIMESTEPS: readonly number[] = stridedTimesteps(990, 30, 0);
/** Flow models: the course's Euler steps (spec §4.3 leaves the count open; 50 is ours). */
const FLOW_DEFAULT_STEPS = 50;
/** Flow time is continuous: any step count works, this bounds a mistaken one. */
const FLOW_MAX_STEPS = 10_000;
/** The course's CFG γ for MNIST (part B). */
const MNIST_GUIDANCE = 5;

/**
 * The sampling policy of an exported CS180 model (flow-time, flow-class, ddpm-time, ddpm-class). The single-step
 * denoiser and the classifier are not sampled iteratively and are refused.
 */
export function samplingPolicy(card: ModelCard): SamplingPolicy {
  if (card.prediction !== "velocity" && card.prediction !== "epsilon") {
    throw new RangeError(
      `\`card.prediction\` must be "velocity" or "epsilon" to be sampled (got "${card.prediction}": a ${card.kind} model)`,
    );
  }
  const samplers = samplersFor(card.prediction);
  const discrete = card.prediction === "epsilon" ? discreteModel(card) : undefined;
  const maxSteps = discrete ? discrete.numTrainTimesteps : FLOW_MAX_STEPS;
  const course: SamplingDefaults = {
    sampler: COURSE_SAMPLERS[card.prediction],
    steps: discrete ? courseSteps(discrete.numTrainTimesteps) : FLOW_DEFAULT_STEPS,
    ...(card.classConditioned ? { guidanceScale: MNIST_GUIDANCE } : {}),
  };
  const defaults = recordedDefaults(card, samplers, maxSteps) ?? course;
  return {
    defaults,
    course,
    samplers,
    maxSteps,
    sampler(request = {}) {
      const name = checkSamplerName("sampler", request.sampler ?? defaults.sampler, samplers);
      const entry = SAMPLERS[name];
      if (entry.time === "continuous") {
        if (request.stride !== undefined) throw new RangeError("`stride` is for discrete-time (DDPM) models only");
        return entry.build(checkSteps(request.steps ?? defaults.steps, maxSteps));
      }
      return entry.build({
        ...discrete!,
        timesteps: discreteTimesteps(discrete!.numTrainTimesteps, request, defaults),
      });
    },
    courseTime(t1000) {
      checkNumber("t", t1000, { min: 0, max: 1000 });
      if (!discrete) return 1 - t1000 / 1000; // flow time: 1 is clean, so t = 250 of 1000 is 0.75
      const T = discrete.numTrainTimesteps;
      return Math.min(T - 1, Math.round((t1000 / 1000) * T));
    },
    // ±3σ: the course's 33 taps are wider than a 28-pixel image.
    hybridKernelSize: (sigma) => hybridKernelSize(sigma, Math.min(IMAGE_SHAPE[1], IMAGE_SHAPE[2])),
  };
}

/** The sampler a card calls for: `samplingPolicy(card).sampler(request)`. */
export function samplerFor(card: ModelCard, request: SamplerRequest = {}): Sampler {
  return samplingPolicy(card).sampler(request);
}

/** The full walk for the course's T = 300 model; part A's 34 strided steps for T = 1000. */
export function courseSteps(numTrainTimesteps: number): number {
  return numTrainTimesteps === 1000 ? COURSE_TIMESTEPS.length : numTrainTimesteps;
}

/**
 * The training timesteps a discrete sampler visits: `stride` → every stride-th from the top; `steps` = T → all of
 * them; 34 at T = 1000 → part A's list; other counts → evenly spaced ("trailing"), from T − 1, or at T = 1000 from part
 * A's first timestep, 990: at 999 the cosine schedule's ᾱ is 2e-6, so x̂0 = (x − √(1−ᾱ)·ε̂)/√ᾱ multiplies an
 * ε-model's error by 650 and a few-step walk from there blew up (MNIST-FID in the millions); at 990 the factor is 64,
 * what the course's own walk starts with.
 */
export function discreteTimesteps(
  T: number,
  request: Pick<SamplerRequest, "steps" | "stride">,
  defaults: Pick<SamplingDefaults, "steps"> = { steps: courseSteps(T) },
): number[] {
  if (request.stride !== undefined) {
    if (request.steps !== undefined) throw new RangeError("give `steps` or `stride`, not both");
    const stride = checkNumber("stride", request.stride, { min: 1, max: T, integer: true });
    return stridedTimesteps(Math.floor((T - 1) / stride) * stride, stride, 0);
  }
  const steps = checkSteps(request.steps ?? defaults.steps, T);
  if (steps === T) return stridedTimesteps(T - 1, 1, 0);
  if (T === 1000 && steps === COURSE_TIMESTEPS.length) return [...COURSE_TIMESTEPS];
  const top = T === 1000 && steps <= COURSE_TIMESTEPS[0]! ? COURSE_TIMESTEPS[0]! : T - 1;
  return spacedTimesteps(steps, top + 1, "trailing");
}

function discreteModel(card: ModelCard): Omit<DiscreteTimesteps, "timesteps"> {
  const schedule: ScheduleConfig = card.noiseSchedule ?? DEFAULT_NOISE_SCHEDULE;
  const numTrainTimesteps =
    card.numTrainTimesteps ?? schedule.numTrainTimesteps ?? DEFAULT_NOISE_SCHEDULE.numTrainTimesteps!;
  return { schedule: { ...schedule, numTrainTimesteps }, numTrainTimesteps };
}

function checkSteps(steps: number, maxSteps: number): number {
  return checkNumber("steps", steps, { min: 1, max: maxSteps, integer: true });
}

function checkSamplerName(field: string, name: string, allowed: readonly SamplerName[]): SamplerName {
  if (!(allowed as readonly string[]).includes(name)) {
    throw new RangeError(
      `\`${field}\` must be one of ${allowed.map((s) => `"${s}"`).join(", ")} for this model (got "${name}")`,
    );
  }
  return name as SamplerName;
}

/** The card's recorded choice, checked like a request so a damaged card fails by name. */
function recordedDefaults(
  card: ModelCard,
  samplers: readonly SamplerName[],
  maxSteps: number,
): SamplingDefaults | undefined {
  const recorded = card.sampling;
  if (!recorded) return undefined;
  const guidance = recorded.guidanceScale;
  return {
    sampler: checkSamplerName("card.sampling.sampler", recorded.sampler, samplers),
    steps: checkNumber("card.sampling.steps", recorded.steps, { min: 1, max: maxSteps, integer: true }),
    ...(guidance !== undefined
      ? { guidanceScale: checkNumber("card.sampling.guidanceScale", guidance, { min: 0 }) }
      : {}),
  };
}
