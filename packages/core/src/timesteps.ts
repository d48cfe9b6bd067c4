import { checkNumber, checkOneOf } from "./errors.js";

/** The largest T a schedule may have (`makeSchedule`'s bound): timestep lists stay small arrays. */
const MAX_TRAIN_TIMESTEPS = 100_000;

/**
 * The course's strided list: `start`, `start − stride`, … down to `end` (inclusive when reached).
 * The defaults give 990, 960, …, 30, 0 (34 entries), equal to Python's range(990, −1, −30).
 */
export function stridedTimesteps(start = 990, stride = 30, end = 0): number[] {
  checkNumber("start", start, { min: 0, max: MAX_TRAIN_TIMESTEPS - 1, integer: true });
  checkNumber("stride", stride, { min: 1, integer: true });
  checkNumber("end", end, { min: 0, max: start, integer: true });
  const out: number[] = [];
  for (let t = start; t >= end; t -= stride) out.push(t);
  return out;
}

export type TimestepSpacing = "leading" | "trailing" | "linspace";

/**
 * diffusers' `set_timesteps(num_inference_steps)` spacings for a T-step schedule:
 * - `leading`: k·(T // N) for k = N−1 … 0 (N = 100 → 990, 980, …, 0);
 * - `trailing`: round(T − k·T/N) − 1 for k = 0 … N−1 (always starts at T − 1);
 * - `linspace`: round(linspace(0, T − 1, N)), reversed.
 */
export function spacedTimesteps(
  numInferenceSteps: number,
  numTrainTimesteps = 1000,
  spacing: TimestepSpacing = "leading",
): number[] {
  checkNumber("numTrainTimesteps", numTrainTimesteps, { min: 1, max: MAX_TRAIN_TIMESTEPS, integer: true });
  checkNumber("numInferenceSteps", numInferenceSteps, { min: 1, max: numTrainTimesteps, integer: true });
  checkOneOf("spacing", spacing, ["leading", "trailing", "linspace"]);
  const N = numInferenceSteps;
  const T = numTrainTimesteps;
  const out: number[] = [];
  if (spacing === "leading") {
    const ratio = Math.floor(T / N);
    for (let k = N - 1; k >= 0; k--) out.push(k * ratio);
  } else if (spacing === "trailing") {
    const ratio = T / N;
    for (let k = 0; k < N; k++) out.push(roundHalfEven(T - k * ratio) - 1);
  } else {
    // numpy.linspace multiplies k by a precomputed step; keep that rounding.
    const step = N === 1 ? 0 : (T - 1) / (N - 1);
    for (let k = N - 1; k >= 0; k--) out.push(roundHalfEven(k * step));
  }
  return out;
}

/** Throws unless `timesteps` is a strictly descending list of integers in [0, T − 1]. */
export function checkTimesteps(name: string, timesteps: readonly number[], numTrainTimesteps: number): void {
  if (!Array.isArray(timesteps) || timesteps.length === 0) {
    throw new RangeError(`\`${name}\` must be a non-empty array of integer timesteps`);
  }
  for (let i = 0; i < timesteps.length; i++) {
    checkNumber(`${name}[${i}]`, timesteps[i]!, { min: 0, max: numTrainTimesteps - 1, integer: true });
    if (i > 0 && timesteps[i]! >= timesteps[i - 1]!) {
      throw new RangeError(
        `\`${name}\` must be strictly descending (entry ${i} is ${timesteps[i]}, after ${timesteps[i - 1]})`,
      );
    }
  }
}

/** numpy's round (half to even). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
