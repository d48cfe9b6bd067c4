import type { ScheduleConfig } from "../schedule.js";
import { StridedDdpmSampler, type VarianceType } from "./strided-ddpm.js";

export interface AncestralDdpmConfig {
  /** Default: CS180 part B, linear β from 1e-4 to 0.02 with T = 300. */
  readonly schedule?: ScheduleConfig;
  /** Default `fixed_large` (σ² = β_t, the course's Algorithm B.2). */
  readonly variance?: Exclude<VarianceType, "learned_range">;
}

/**
 * The full ancestral DDPM sampler (CS180 part B, Algorithm B.2/B.4): every timestep t = T−1 … 0 once, then to the
 * clean image. Timesteps are 0-based indices into ᾱ; the denoiser receives that index (an adapter that wants the
 * course's normalised input feeds (t + 1)/T or t/T as its model was trained). No noise on the last step.
 * x_{t−1} = [√ᾱ_{t−1}·β_t/(1−ᾱ_t)]·x̂0 + [√α_t·(1−ᾱ_{t−1})/(1−ᾱ_t)]·x_t + σ_t·z.
 */
export function ancestralDdpmSampler(config: AncestralDdpmConfig = {}): StridedDdpmSampler {
  const schedule = config.schedule ?? { type: "linear", numTrainTimesteps: 300, betaStart: 1e-4, betaEnd: 0.02 };
  const T = schedule.numTrainTimesteps ?? (schedule.type === "linear" ? 300 : 1000);
  return new StridedDdpmSampler({
    schedule: { ...schedule, numTrainTimesteps: T },
    timesteps: Array.from({ length: T }, (_, i) => T - 1 - i),
    toClean: true,
    variance: config.variance ?? "fixed_large",
  });
}
