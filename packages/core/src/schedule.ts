import { assertNever, checkNumber } from "./errors.js";

/**
 * Which β schedule to build. Serialisable, so a run can record exactly what made it.
 * - `squaredcos_cap_v2`: the Glide cosine schedule DeepFloyd IF uses (T = 1000).
 * - `linear`: β evenly spaced from `betaStart` to `betaEnd` (CS180 part B DDPM: T = 300, 1e-4 … 0.02).
 */
export type ScheduleConfig =
  | { readonly type: "squaredcos_cap_v2"; readonly numTrainTimesteps?: number; readonly maxBeta?: number }
  | {
      readonly type: "linear";
      readonly numTrainTimesteps?: number;
      readonly betaStart?: number;
      readonly betaEnd?: number;
    };

/**
 * β_t, α_t = 1 − β_t and ᾱ_t = ∏_{i≤t} α_i for t = 0 … T−1 (index 0 already includes one step).
 * Values are rounded to float32 exactly as diffusers' DDPMScheduler stores them (β in float32, cumprod accumulated
 * in float64), so parity tests can compare to 1e-7.
 */
export interface NoiseSchedule {
  readonly config: ScheduleConfig;
  readonly numTrainTimesteps: number;
  readonly betas: Float32Array;
  readonly alphas: Float32Array;
  readonly alphasCumprod: Float32Array;
}

/** The config with every default filled in, so what a run records still means the same if defaults change. */
export function completeScheduleConfig(config: ScheduleConfig): Required<ScheduleConfig> {
  switch (config.type) {
    case "squaredcos_cap_v2":
      return {
        type: config.type,
        numTrainTimesteps: config.numTrainTimesteps ?? 1000,
        maxBeta: config.maxBeta ?? 0.999,
      };
    case "linear":
      return {
        type: config.type,
        numTrainTimesteps: config.numTrainTimesteps ?? 300,
        betaStart: config.betaStart ?? 1e-4,
        betaEnd: config.betaEnd ?? 0.02,
      };
    default:
      return assertNever("schedule.type", config);
  }
}

/**
 * Builds a schedule; defaults: cosine T = 1000 (max β 0.999), linear T = 300 from 1e-4 to 0.02. `config` on the
 * result has every field filled in.
 */
export function makeSchedule(input: ScheduleConfig): NoiseSchedule {
  const config = completeScheduleConfig(input);
  const betas64 =
    config.type === "squaredcos_cap_v2"
      ? cosineBetas(config.numTrainTimesteps, config.maxBeta)
      : linearBetas(config.numTrainTimesteps, config.betaStart, config.betaEnd);
  const n = betas64.length;
  const betas = Float32Array.from(betas64);
  const alphas = new Float32Array(n);
  const alphasCumprod = new Float32Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    alphas[i] = 1 - betas[i]!;
    prod *= alphas[i]!;
    alphasCumprod[i] = prod;
  }
  return { config, numTrainTimesteps: n, betas, alphas, alphasCumprod };
}

/** DeepFloyd IF's schedule: cosine, T = 1000. */
export function cosineSchedule(numTrainTimesteps = 1000): NoiseSchedule {
  return makeSchedule({ type: "squaredcos_cap_v2", numTrainTimesteps });
}

/** CS180 part B's DDPM schedule: linear β from 1e-4 to 0.02, T = 300. */
export function linearSchedule(numTrainTimesteps = 300, betaStart = 1e-4, betaEnd = 0.02): NoiseSchedule {
  return makeSchedule({ type: "linear", numTrainTimesteps, betaStart, betaEnd });
}

/** ᾱ at timestep t, with ᾱ_{−1} = 1 (the clean image). */
export function alphaBar(schedule: NoiseSchedule, t: number): number {
  if (t === -1) return 1;
  checkNumber("t", t, { min: -1, max: schedule.numTrainTimesteps - 1, integer: true });
  return schedule.alphasCumprod[t]!;
}

/** β_i = min(1 − f((i+1)/T)/f(i/T), maxBeta), f(τ) = cos²(((τ + 0.008)/1.008)·π/2) (Nichol & Dhariwal 2021). */
function cosineBetas(T: number, maxBeta: number): Float64Array {
  checkNumber("numTrainTimesteps", T, { min: 2, max: 100_000, integer: true });
  checkNumber("maxBeta", maxBeta, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  const f = (tau: number) => Math.cos(((tau + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) betas[i] = Math.min(1 - f((i + 1) / T) / f(i / T), maxBeta);
  return betas;
}

/** torch.linspace(betaStart, betaEnd, T) in float32, as diffusers and the course notebook build it. */
function linearBetas(T: number, betaStart: number, betaEnd: number): Float64Array {
  checkNumber("numTrainTimesteps", T, { min: 2, max: 100_000, integer: true });
  checkNumber("betaStart", betaStart, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  checkNumber("betaEnd", betaEnd, { min: betaStart, max: 1, exclusiveMax: true });
  const betas = new Float64Array(T);
  // torch.linspace computes the first half from the start and the second half from the end.
  const f = Math.fround;
  const start = f(betaStart);
  const end = f(betaEnd);
  const step = f((end - start) / (T - 1));
  const half = Math.floor(T / 2);
  for (let i = 0; i < T; i++) betas[i] = i < half ? f(start + f(step * i)) : f(end - f(step * (T - 1 - i)));
  return betas;
}
