import { assertNever, checkBatch, checkNumber, checkOneOf, checkShape } from "../errors.js";
import { makeSchedule, type NoiseSchedule, type ScheduleConfig } from "../schedule.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import { checkTimesteps, stridedTimesteps } from "../timesteps.js";
import type { ModelPrediction, Sampler, StepOutput } from "./sampler.js";
import { dynamicThreshold } from "./thresholding.js";

const f = Math.fround;

/**
 * How σ² of each reverse step is chosen (diffusers' `variance_type`):
 * - `learned_range`: log σ² = frac·log β + (1 − frac)·log β̃ with frac = (v + 1)/2 from the model (DeepFloyd IF);
 * - `fixed_small`: σ² = β̃ = (1 − ᾱ_{t′})/(1 − ᾱ_t)·β (DDPM's lower bound);
 * - `fixed_large`: σ² = β (DDPM's upper bound; the CS180 part B sampler's √β_t·z).
 */
export type VarianceType = "learned_range" | "fixed_small" | "fixed_large";

export interface StridedDdpmConfig {
  /** The training noise schedule. Default: squaredcos_cap_v2, T = 1000 (DeepFloyd IF). */
  readonly schedule?: ScheduleConfig;
  /**
   * The timesteps to visit, strictly descending integers in [0, T − 1]. Default: the course's 990, 960, …, 0.
   * Step i goes from timesteps[i] to timesteps[i + 1].
   */
  readonly timesteps?: readonly number[];
  /**
   * false (default, course behaviour): stop at the last timestep (t = 0 for the course list).
   * true (diffusers): take one more step from the last timestep to the clean image (ᾱ = 1, no noise when it is 0).
   */
  readonly toClean?: boolean;
  /** Default `fixed_small` (diffusers' default); DeepFloyd IF and the course use `learned_range`. */
  readonly variance?: VarianceType;
  /**
   * Imagen dynamic thresholding of x̂0 before the posterior mean (diffusers does it for IF; the course does not).
   * Default off. IF stage I: { ratio: 0.95, maxValue: 1.5 }; stage II: maxValue 1.0.
   */
  readonly thresholding?: { readonly ratio: number; readonly maxValue: number } | false;
  /** Clamp x̂0 to [−clipSample, clipSample] (ignored when thresholding is on). Default off. */
  readonly clipSample?: number | false;
}

/**
 * The strided DDPM step (DDPM eq. 6–7 with α = ᾱ_t/ᾱ_{t′}), identical to diffusers' DDPMScheduler.step with custom
 * timesteps and to the course's eq. A.3. Arithmetic follows diffusers' float32 operation order, so outputs match it
 * to about 1e-7.
 */
export class StridedDdpmSampler implements Sampler {
  readonly name = "strided-ddpm";
  readonly time = "discrete";
  readonly accepts = ["epsilon", "sample"] as const;
  readonly schedule: NoiseSchedule;
  readonly timesteps: readonly number[];
  readonly levels: readonly number[];
  readonly numSteps: number;
  readonly variance: VarianceType;
  private readonly config: StridedDdpmConfig;

  constructor(config: StridedDdpmConfig = {}) {
    this.config = config;
    this.schedule = makeSchedule(config.schedule ?? { type: "squaredcos_cap_v2", numTrainTimesteps: 1000 });
    this.timesteps = [...(config.timesteps ?? stridedTimesteps(990, 30, 0))];
    checkTimesteps("timesteps", this.timesteps, this.schedule.numTrainTimesteps);
    this.variance = checkOneOf("variance", config.variance ?? "fixed_small", [
      "learned_range",
      "fixed_small",
      "fixed_large",
    ]);
    if (config.thresholding) {
      checkNumber("thresholding.ratio", config.thresholding.ratio, { min: 0, max: 1 });
      checkNumber("thresholding.maxValue", config.thresholding.maxValue, { min: 1 });
    }
    if (config.clipSample !== undefined && config.clipSample !== false) {
      checkNumber("clipSample", config.clipSample, { min: 0, exclusiveMin: true });
    }
    this.levels = config.toClean ? [...this.timesteps, -1] : this.timesteps;
    this.numSteps = this.levels.length - 1;
    if (this.numSteps < 1) {
      throw new RangeError("`timesteps` must have at least 2 entries unless `toClean` is true (got 1)");
    }
  }

  /** Every field, defaults included, so a stored recipe pins the variance and the rest even if defaults change. */
  toJSON(): { type: "strided-ddpm" } & Required<StridedDdpmConfig> {
    const { thresholding, clipSample } = this.config;
    return {
      type: "strided-ddpm",
      schedule: this.schedule.config,
      timesteps: this.timesteps,
      toClean: this.config.toClean ?? false,
      variance: this.variance,
      thresholding: thresholding ? { ratio: thresholding.ratio, maxValue: thresholding.maxValue } : false,
      clipSample: clipSample ?? false,
    };
  }

  /** ᾱ at timestep t (t = −1 is the clean image, ᾱ = 1). */
  alphaProd(t: number): number {
    if (t === -1) return 1;
    checkNumber("t", t, { min: -1, max: this.schedule.numTrainTimesteps - 1, integer: true });
    return this.schedule.alphasCumprod[t]!;
  }

  addNoise(clean: ImageBatch, levelIndex: number, noise: ImageBatch): ImageBatch {
    checkNumber("levelIndex", levelIndex, { min: 0, max: this.levels.length - 1, integer: true });
    return this.addNoiseAt(clean, this.levels[levelIndex]!, noise);
  }

  /** q(x_t | x0): x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε (course §1.1; diffusers `add_noise`). */
  addNoiseAt(clean: ImageBatch, t: number, noise: ImageBatch): ImageBatch {
    checkBatch("clean", clean);
    checkShape("noise", noise, clean.shape);
    const alphaProdT = this.alphaProd(t);
    const sqrtAlphaProd = f(Math.sqrt(alphaProdT));
    const sqrtOneMinusAlphaProd = f(Math.sqrt(f(1 - alphaProdT)));
    const out = imageBatch(clean.shape);
    for (let i = 0; i < out.data.length; i++) {
      out.data[i] = f(sqrtAlphaProd * clean.data[i]!) + f(sqrtOneMinusAlphaProd * noise.data[i]!);
    }
    return out;
  }

  stepNeedsNoise(index: number): boolean {
    return this.levels[index]! > 0;
  }

  checkTime(t: number): number {
    return checkNumber("t", t, { min: 0, max: this.schedule.numTrainTimesteps - 1, integer: true });
  }

  predictOriginal(t: number, x: ImageBatch, output: ModelPrediction): ImageBatch {
    this.checkTime(t);
    checkShape("prediction", output.prediction, x.shape);
    switch (output.kind) {
      case "sample":
        return output.prediction;
      case "epsilon": {
        // DDPM eq. 15: x̂0 = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t
        const alphaProdT = this.alphaProd(t);
        const sqrtBetaProdT = f(Math.sqrt(f(1 - alphaProdT)));
        const sqrtAlphaProdT = f(Math.sqrt(alphaProdT));
        const out = imageBatch(x.shape);
        const eps = output.prediction.data;
        for (let i = 0; i < out.data.length; i++) {
          out.data[i] = f(x.data[i]! - f(sqrtBetaProdT * eps[i]!)) / sqrtAlphaProdT;
        }
        return out;
      }
      case "velocity":
        throw new RangeError(
          '`prediction.kind` must be one of "epsilon", "sample" for the strided DDPM sampler (got "velocity"; use FlowEulerSampler)',
        );
      default:
        return assertNever("prediction.kind", output.kind);
    }
  }

  step(index: number, x: ImageBatch, output: ModelPrediction, noise?: ImageBatch): StepOutput {
    checkNumber("index", index, { min: 0, max: this.numSteps - 1, integer: true });
    const t = this.levels[index]!;
    const prevT = this.levels[index + 1]!;

    // 1. ᾱ_t, ᾱ_{t′}, and the strided α = ᾱ_t/ᾱ_{t′}, β = 1 − α
    const alphaProdT = this.alphaProd(t);
    const alphaProdTPrev = this.alphaProd(prevT);
    const betaProdT = f(1 - alphaProdT);
    const betaProdTPrev = f(1 - alphaProdTPrev);
    const currentAlphaT = f(alphaProdT / alphaProdTPrev);
    const currentBetaT = f(1 - currentAlphaT);

    // 2. x̂0 from the prediction (DDPM eq. 15)
    let predOriginalSample = this.predictOriginal(t, x, output);

    // 3. optional dynamic thresholding or clipping of x̂0
    if (this.config.thresholding) {
      predOriginalSample = dynamicThreshold(
        predOriginalSample,
        this.config.thresholding.ratio,
        this.config.thresholding.maxValue,
      );
    } else if (this.config.clipSample) {
      const r = this.config.clipSample;
      predOriginalSample = imageBatch(
        x.shape,
        predOriginalSample.data.map((v) => Math.min(Math.max(v, -r), r)),
      );
    }

    // 4. posterior mean μ̃ = [√ᾱ_{t′}·β/(1−ᾱ_t)]·x̂0 + [√α·(1−ᾱ_{t′})/(1−ᾱ_t)]·x_t (DDPM eq. 7)
    const predOriginalSampleCoeff = f(f(f(Math.sqrt(alphaProdTPrev)) * currentBetaT) / betaProdT);
    const currentSampleCoeff = f(f(f(Math.sqrt(currentAlphaT)) * betaProdTPrev) / betaProdT);
    const prevSample = imageBatch(x.shape);
    const p = prevSample.data;
    const x0 = predOriginalSample.data;
    for (let i = 0; i < p.length; i++) {
      p[i] = f(predOriginalSampleCoeff * x0[i]!) + f(currentSampleCoeff * x.data[i]!);
    }

    // 5. add σ·z, except on the step from t = 0
    if (t > 0) {
      if (!noise) throw new RangeError(`\`noise\` is required for the step from t = ${t} (it adds fresh noise)`);
      checkShape("noise", noise, x.shape);
      // β̃ = (1 − ᾱ_{t′})/(1 − ᾱ_t)·β, clamped so its log is finite
      const posteriorVariance = Math.max(f(f(betaProdTPrev / betaProdT) * currentBetaT), f(1e-20));
      const z = noise.data;
      switch (this.variance) {
        case "fixed_small":
        case "fixed_large": {
          const sigma = f(Math.sqrt(this.variance === "fixed_small" ? posteriorVariance : currentBetaT));
          for (let i = 0; i < p.length; i++) p[i] = p[i]! + f(sigma * z[i]!);
          break;
        }
        case "learned_range": {
          if (!output.variance) {
            throw new RangeError('`variance` output is required when the sampler\'s variance is "learned_range"');
          }
          checkShape("variance", output.variance, x.shape);
          const minLog = f(Math.log(posteriorVariance));
          const maxLog = f(Math.log(currentBetaT));
          const v = output.variance.data;
          for (let i = 0; i < p.length; i++) {
            const frac = f(f(v[i]! + 1) / 2);
            const logVariance = f(f(frac * maxLog) + f(f(1 - frac) * minLog));
            p[i] = p[i]! + f(f(Math.exp(f(0.5 * logVariance))) * z[i]!);
          }
          break;
        }
        default:
          assertNever("variance", this.variance);
      }
    }
    return { prevSample, predOriginalSample };
  }
}

/** The DeepFloyd IF stage I sampler the course uses: cosine T = 1000, 990 → 0 stride 30, learned-range variance. */
export function courseSampler(options: Omit<StridedDdpmConfig, "schedule" | "variance"> = {}): StridedDdpmSampler {
  return new StridedDdpmSampler({
    schedule: { type: "squaredcos_cap_v2", numTrainTimesteps: 1000 },
    variance: "learned_range",
    ...options,
  });
}
