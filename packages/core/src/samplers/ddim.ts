import { checkNumber, checkShape } from "../errors.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import type { ModelPrediction, StepOutput } from "./sampler.js";
import { ScheduleSampler, type ScheduleSamplerConfig } from "./schedule-sampler.js";

export interface DdimConfig extends ScheduleSamplerConfig {
  /** η: 0 is the deterministic DDIM ODE, 1 has DDPM's posterior variance (DDIM eq. 16). Default 0. */
  readonly eta?: number;
}

/**
 * DDIM (Song, Meng & Ermon 2021, eq. 12 and 16; diffusers' DDIMScheduler with `set_alpha_to_one`, no clipping) from
 * timestep t to t′ on the model's own ᾱ schedule:
 *   x_{t′} = √ᾱ_{t′}·x̂0 + √(1 − ᾱ_{t′} − σ²)·ε̂ + σ·z,  σ = η·√((1−ᾱ_{t′})/(1−ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t′}).
 */
export class DdimSampler extends ScheduleSampler {
  readonly name = "ddim";
  readonly eta: number;

  constructor(config: DdimConfig = {}) {
    super(config);
    this.eta = checkNumber("eta", config.eta ?? 0, { min: 0, max: 1 });
  }

  toJSON(): { type: "ddim" } & DdimConfig {
    return { type: "ddim", schedule: this.schedule.config, timesteps: this.timesteps, eta: this.eta };
  }

  /** DDIM eq. 16's σ for step `index` (0 on the step to the clean image). */
  sigma(index: number): number {
    const a = this.alphaProd(this.levels[index]!);
    const ap = this.alphaProd(this.levels[index + 1]!);
    return this.eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
  }

  stepNeedsNoise(index: number): boolean {
    return this.eta > 0 && this.sigma(index) > 0;
  }

  step(index: number, x: ImageBatch, output: ModelPrediction, noise?: ImageBatch): StepOutput {
    this.checkIndex(index);
    const t = this.levels[index]!;
    const ap = this.alphaProd(this.levels[index + 1]!);
    const x0 = this.predictOriginal(t, x, output);
    const eps = this.epsilon(t, x, output, x0);
    const sigma = this.sigma(index);
    if (sigma > 0 && !noise) {
      throw new RangeError(`\`noise\` is required for DDIM step ${index} with η = ${this.eta} (it adds fresh noise)`);
    }
    const z = sigma > 0 ? checkShape("noise", noise!, x.shape).data : undefined;
    const direction = Math.sqrt(Math.max(0, 1 - ap - sigma * sigma)); // the "direction pointing to x_t"
    const out = imageBatch(x.shape);
    for (let i = 0; i < out.data.length; i++) {
      out.data[i] = Math.sqrt(ap) * x0.data[i]! + direction * eps.data[i]! + (z ? sigma * z[i]! : 0);
    }
    return { prevSample: out, predOriginalSample: x0 };
  }
}
