import { describe, expect, it } from "vitest";
import {
  type Denoiser,
  type ImageBatch,
  imageBatch,
  makeSchedule,
  NoiseReplay,
  type Shape,
  type StridedDdpmConfig,
  StridedDdpmSampler,
  sample,
  spacedTimesteps,
} from "../src/index.js";
import fixtureJson from "./fixtures/ddpm-scheduler.json" with { type: "json" };

interface StepCase {
  name: string;
  config: Record<string, string | number | boolean>;
  timesteps: number[] | null;
  shape: number[];
  t: number;
  prevT: number;
  x: number[];
  modelOutput: number[];
  variance: number[] | null;
  noise: number[];
  prevSample: number[];
  predOriginalSample: number[];
}

interface FullLoop {
  name: string;
  config: Record<string, string | number | boolean>;
  timesteps: number[];
  toClean: boolean;
  shape: number[];
  initial: number[];
  noises: number[][];
  final: number[];
  sumAbs: number;
  meanAbs: number;
}

interface Fixture {
  fullLoops: FullLoop[];
  schedules: Record<string, { betas: number[]; alphasCumprod: number[] }>;
  addNoise: { t: number; x0: number[]; noise: number[]; noisy: number[] }[];
  spacing: Record<string, number[]>;
  steps: StepCase[];
}

const fixture = fixtureJson as unknown as Fixture;

const batch = (shape: number[], values: number[]): ImageBatch => ({
  shape: shape as unknown as Shape,
  data: Float32Array.from(values),
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Translates a diffusers DDPMScheduler config into ours. */
function ourConfig(c: StepCase): StridedDdpmConfig {
  const cfg = c.config;
  const schedule =
    cfg.beta_schedule === "linear"
      ? ({
          type: "linear",
          numTrainTimesteps: cfg.num_train_timesteps as number,
          betaStart: cfg.beta_start as number,
          betaEnd: cfg.beta_end as number,
        } as const)
      : ({ type: "squaredcos_cap_v2", numTrainTimesteps: cfg.num_train_timesteps as number } as const);
  const T = schedule.numTrainTimesteps;
  return {
    schedule,
    timesteps: c.timesteps ?? Array.from({ length: T }, (_, i) => T - 1 - i),
    toClean: true, // diffusers steps from the last timestep to ᾱ = 1
    variance: cfg.variance_type as StridedDdpmConfig["variance"],
    thresholding: cfg.thresholding
      ? { ratio: cfg.dynamic_thresholding_ratio as number, maxValue: cfg.sample_max_value as number }
      : false,
    clipSample: cfg.clip_sample ? ((cfg.clip_sample_range as number | undefined) ?? 1) : false,
  };
}

describe("schedules match diffusers DDPMScheduler", () => {
  it.each([
    ["squaredcos_cap_v2", makeSchedule({ type: "squaredcos_cap_v2" })],
    ["linear300", makeSchedule({ type: "linear", numTrainTimesteps: 300, betaStart: 1e-4, betaEnd: 0.02 })],
  ])("%s betas and alphas_cumprod to 1e-7", (key, schedule) => {
    const ref = fixture.schedules[key]!;
    expect(maxAbsDiff(schedule.betas, ref.betas)).toBeLessThanOrEqual(1e-7);
    expect(maxAbsDiff(schedule.alphasCumprod, ref.alphasCumprod)).toBeLessThanOrEqual(1e-7);
  });

  it("spacings match set_timesteps(n)", () => {
    for (const [key, expected] of Object.entries(fixture.spacing)) {
      const [kind, n] = key.split("-") as ["leading" | "trailing" | "linspace", string];
      expect(spacedTimesteps(Number(n), 1000, kind), key).toEqual(expected);
    }
  });
});

describe("forward process matches diffusers add_noise", () => {
  it.each(fixture.addNoise.map((c) => [c.t, c] as const))("t = %i to 1e-6", (_t, c) => {
    const sampler = new StridedDdpmSampler();
    const shape = [1, 3, 2, 3];
    const noisy = sampler.addNoiseAt(batch(shape, c.x0), c.t, batch(shape, c.noise));
    expect(maxAbsDiff(noisy.data, c.noisy)).toBeLessThanOrEqual(1e-6);
  });
});

describe("strided DDPM step matches diffusers DDPMScheduler.step", () => {
  it.each(fixture.steps.map((c) => [c.name, c] as const))("%s to 1e-5", (_name, c) => {
    const sampler = new StridedDdpmSampler(ourConfig(c));
    const index = sampler.levels.indexOf(c.t);
    expect(sampler.levels[index + 1]).toBe(c.prevT);
    const out = sampler.step(
      index,
      batch(c.shape, c.x),
      {
        kind: c.config.prediction_type === "sample" ? "sample" : "epsilon",
        prediction: batch(c.shape, c.modelOutput),
        variance: c.variance ? batch(c.shape, c.variance) : undefined,
      },
      batch(c.shape, c.noise),
    );
    expect(maxAbsDiff(out.predOriginalSample.data, c.predOriginalSample)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(out.prevSample.data, c.prevSample)).toBeLessThanOrEqual(1e-5);
  });

  it("the thresholding cases really threshold (x̂0 clamped into [−1, 1] after scaling)", () => {
    const thresholded = fixture.steps.filter((c) => c.config.thresholding);
    expect(thresholded.length).toBeGreaterThan(0);
    for (const c of thresholded) expect(Math.max(...c.predOriginalSample.map(Math.abs))).toBeLessThanOrEqual(1);
    const unthresholded = fixture.steps.find((c) => c.name === "course-learned-range@990")!;
    expect(Math.max(...unthresholded.predOriginalSample.map(Math.abs))).toBeGreaterThan(1.5);
  });
});

describe("full denoising loops match diffusers (same model, same noise)", () => {
  const f = Math.fround;
  it.each(fixture.fullLoops.map((c) => [c.name, c] as const))("%s: final sample to 1e-5", async (_name, c) => {
    const stepCase = { ...c, timesteps: c.timesteps } as unknown as StepCase;
    const sampler = new StridedDdpmSampler({ ...ourConfig(stepCase), timesteps: c.timesteps, toClean: c.toClean });
    const learned = c.config.variance_type === "learned_range";
    // The generator's dummy network, in the same float32 operation order.
    const denoiser: Denoiser = {
      info: {
        channels: c.shape[1]!,
        height: c.shape[2]!,
        width: c.shape[3]!,
        prediction: "epsilon",
        time: "discrete",
        learnedVariance: learned,
      },
      async predict({ x, t }) {
        const shift = f(f(t[0]! / 1000) * f(0.05));
        const eps = imageBatch(x.shape);
        const v = imageBatch(x.shape);
        for (let i = 0; i < x.data.length; i++) {
          eps.data[i] = f(f(0.9) * x.data[i]!) + shift;
          v.data[i] = f(0.3) * x.data[i]!;
        }
        return { kind: "epsilon", prediction: eps, variance: learned ? v : undefined };
      },
    };
    const noise = new NoiseReplay(c.noises.map((n) => batch(c.shape, n)));
    const out = await sample({ denoiser, sampler, noise, condition: null, initialNoise: batch(c.shape, c.initial) });
    expect(noise.remaining).toBe(0);
    expect(maxAbsDiff(out.data, c.final)).toBeLessThanOrEqual(1e-5);
    const sumAbs = out.data.reduce((s, v) => s + Math.abs(v), 0);
    expect(Math.abs(sumAbs - c.sumAbs)).toBeLessThanOrEqual(1e-4);
  });
});
