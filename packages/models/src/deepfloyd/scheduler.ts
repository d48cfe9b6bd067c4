/**
 * The manifest's diffusers `DDPMScheduler` configs as `@diffusion-studio/core` samplers. The sampling itself (steps,
 * learned-range variance, thresholding, clipping) is core's `StridedDdpmSampler`; this file only translates configs.
 */
import {
  type ScheduleConfig,
  type StridedDdpmConfig,
  StridedDdpmSampler,
  spacedTimesteps,
} from "@diffusion-studio/core";
import type { SchedulerConfig } from "./manifest.js";

export interface IfSamplerOptions {
  /**
   * The timesteps to visit (strictly descending, e.g. the course's `stridedTimesteps(990, 30, 0)`), as diffusers'
   * `set_timesteps(timesteps=…)`. Default: `numInferenceSteps` spaced by the config's `timestep_spacing`.
   */
  readonly timesteps?: readonly number[];
  /** Used when `timesteps` is not given (diffusers' `set_timesteps(num_inference_steps)`). */
  readonly numInferenceSteps?: number;
  /**
   * true (default, as diffusers' pipelines): take the last step to the clean image. false: stop at the last
   * timestep (the course's hand-written loop).
   */
  readonly toClean?: boolean;
  /** Override the config's dynamic thresholding (the course's loop does none). */
  readonly thresholding?: boolean;
  /** Override the config's x̂0 clipping (used only when thresholding is off, as in diffusers). */
  readonly clipSample?: boolean;
}

/** The β schedule of a scheduler config in core's terms. */
export function scheduleOf(config: SchedulerConfig): ScheduleConfig {
  return config.beta_schedule === "squaredcos_cap_v2"
    ? { type: "squaredcos_cap_v2", numTrainTimesteps: config.num_train_timesteps }
    : {
        type: "linear",
        numTrainTimesteps: config.num_train_timesteps,
        betaStart: config.beta_start,
        betaEnd: config.beta_end,
      };
}

/** core's sampler config for a diffusers scheduler config (see `IfSamplerOptions`). */
export function samplerConfig(config: SchedulerConfig, options: IfSamplerOptions = {}): StridedDdpmConfig {
  if (config.variance_type === "learned") {
    throw new RangeError(
      'scheduler `variance_type` "learned" is not supported; allowed: "learned_range", "fixed_small", "fixed_large"',
    );
  }
  if (options.timesteps === undefined && options.numInferenceSteps === undefined) {
    throw new RangeError("give `timesteps` or `numInferenceSteps`");
  }
  const timesteps =
    options.timesteps ??
    spacedTimesteps(options.numInferenceSteps!, config.num_train_timesteps, config.timestep_spacing).map((t) =>
      // diffusers adds `steps_offset` for "leading" spacing only
      config.timestep_spacing === "leading" ? t + config.steps_offset : t,
    );
  const thresholding = options.thresholding ?? config.thresholding;
  const clip = options.clipSample ?? config.clip_sample;
  return {
    schedule: scheduleOf(config),
    timesteps,
    toClean: options.toClean ?? true,
    variance: config.variance_type,
    thresholding: thresholding
      ? { ratio: config.dynamic_thresholding_ratio, maxValue: config.sample_max_value }
      : false,
    clipSample: !thresholding && clip ? config.clip_sample_range : false,
  };
}

/** A `StridedDdpmSampler` for a stage's scheduler config. */
export function ifSampler(config: SchedulerConfig, options: IfSamplerOptions = {}): StridedDdpmSampler {
  return new StridedDdpmSampler(samplerConfig(config, options));
}
