/**
 * The sampling policy of a DeepFloyd IF export's stage I: its own scheduler config (learned-range variance, dynamic
 * thresholding), part A's 34 strided steps and γ = 7 by default, and its image size for the hybrid blur.
 */
import { checkNumber, hybridKernelSize, scaledCourseKernel, stridedTimesteps } from "@diffusion-studio/core";
import { COURSE_TIMESTEPS, type SamplingPolicy } from "../sampling/policy.js";
import type { DeepFloydStage1 } from "./stages.js";

/** Course part A: 990, 960, …, 0 with CFG γ = 7 (§1.6). */
/** What DeepFloyd IF stage I is sampled with unless asked otherwise: part A's 34 strided steps, γ = 7. */
export const IF_DEFAULTS = { sampler: "ddpm", steps: COURSE_TIMESTEPS.length, guidanceScale: 7 } as const;

export function deepFloydSamplingPolicy(stage1: DeepFloydStage1): SamplingPolicy {
  const T = stage1.manifest.scheduler.num_train_timesteps;
  const size = stage1.manifest.sampleSize;
  return {
    defaults: IF_DEFAULTS,
    course: IF_DEFAULTS,
    samplers: ["ddpm"],
    maxSteps: T,
    sampler(request = {}) {
      if (request.sampler !== undefined && request.sampler !== "ddpm") {
        throw new RangeError(`\`sampler\` must be "ddpm" for DeepFloyd IF (got "${request.sampler}")`);
      }
      if (request.stride !== undefined) {
        if (request.steps !== undefined) throw new RangeError("give `steps` or `stride`, not both");
        const stride = checkNumber("stride", request.stride, { min: 1, max: T, integer: true });
        return stage1.sampler({ timesteps: stridedTimesteps(Math.floor((T - 1) / stride) * stride, stride, 0) });
      }
      const steps = checkNumber("steps", request.steps ?? IF_DEFAULTS.steps, { min: 1, max: T, integer: true });
      // Other counts use the scheduler's own spacing, as diffusers' pipeline does.
      const course = T === 1000 && steps === COURSE_TIMESTEPS.length;
      return stage1.sampler(course ? { timesteps: COURSE_TIMESTEPS } : { numInferenceSteps: steps });
    },
    courseTime(t1000) {
      checkNumber("t", t1000, { min: 0, max: 1000 });
      return Math.min(T - 1, Math.round((t1000 / 1000) * T));
    },
    // The course's 33 taps at 64², scaled with the image as visual_anagrams does (and at least ±3σ).
    hybridKernelSize: (sigma) => hybridKernelSize(sigma, size, scaledCourseKernel(size)),
  };
}
