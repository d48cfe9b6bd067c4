import { describe, expect, it } from "vitest";
import {
  ancestralDdpmSampler,
  courseSampler,
  FlowEulerSampler,
  Rng,
  type Sampler,
  StridedDdpmSampler,
  sample,
} from "../src/index.js";
import { channelStats, gaussianEpsilonOracle, gaussianVelocityOracle } from "./helpers/oracles.js";

// Data: channel 0 ~ N(0.3, 0.4²), channel 1 ~ N(−0.5, 0.8²), every pixel independent.
const MEAN = [0.3, -0.5];
const STD = [0.4, 0.8];
const stats = () => ({ mean: MEAN, std: STD });
const size = { channels: 2, height: 32, width: 32 };
const BATCH = 8; // 8192 samples per channel

/**
 * The exact output distribution of a DDPM sampler driven by the exact Gaussian ε-oracle, derived in float64 from the
 * formulas (independently of the implementation): each step is affine in x plus independent noise.
 */
function ddpmRecursion(sampler: StridedDdpmSampler, m0: number, s0: number, v: number | undefined) {
  const ab = (t: number) => (t < 0 ? 1 : sampler.schedule.alphasCumprod[t]!);
  let mean = 0;
  let variance = 1;
  const levels = sampler.levels;
  for (let i = 0; i + 1 < levels.length; i++) {
    const t = levels[i]!;
    const a = ab(t);
    const ap = ab(levels[i + 1]!);
    const k = Math.sqrt(1 - a) / (a * s0 * s0 + 1 - a); // ε̂ = k·(x − √ᾱ·μ)
    const A = (1 - Math.sqrt(1 - a) * k) / Math.sqrt(a); // x̂0 = A·x + B
    const B = (Math.sqrt(1 - a) * k * Math.sqrt(a) * m0) / Math.sqrt(a);
    const alpha = a / ap;
    const beta = 1 - alpha;
    const c0 = (Math.sqrt(ap) * beta) / (1 - a);
    const c1 = (Math.sqrt(alpha) * (1 - ap)) / (1 - a);
    const betaTilde = ((1 - ap) / (1 - a)) * beta;
    let sigma2 = 0;
    if (t > 0) {
      if (sampler.variance === "fixed_small") sigma2 = betaTilde;
      else if (sampler.variance === "fixed_large") sigma2 = beta;
      else {
        const frac = ((v ?? 0) + 1) / 2;
        sigma2 = Math.exp(frac * Math.log(beta) + (1 - frac) * Math.log(betaTilde));
      }
    }
    mean = (c0 * A + c1) * mean + c0 * B;
    variance = (c0 * A + c1) ** 2 * variance + sigma2;
  }
  return { mean, variance };
}

/** Exact distribution of Euler steps x ← x + dt·(μ + k(t)(x − tμ)) from N(0, 1). */
function flowRecursion(sampler: FlowEulerSampler, m0: number, s0: number) {
  let mean = 0;
  let variance = 1;
  for (let i = 0; i < sampler.numSteps; i++) {
    const t = sampler.levels[i]!;
    const dt = sampler.levels[i + 1]! - t;
    const k = (t * s0 * s0 - (1 - t)) / ((1 - t) ** 2 + t * t * s0 * s0);
    mean = (1 + dt * k) * mean + dt * (m0 - k * t * m0);
    variance = (1 + dt * k) ** 2 * variance;
  }
  return { mean, variance };
}

/** |empirical − expected| within z standard errors, for the mean and the variance of a Gaussian sample. */
function expectWithinSamplingError(
  got: { mean: number; variance: number; n: number },
  expected: { mean: number; variance: number },
  z = 4.5,
) {
  const seMean = Math.sqrt(expected.variance / got.n);
  const seVar = expected.variance * Math.sqrt(2 / got.n);
  expect(Math.abs(got.mean - expected.mean)).toBeLessThan(z * seMean);
  expect(Math.abs(got.variance - expected.variance)).toBeLessThan(z * seVar);
}

async function run(sampler: Sampler, v?: number, seed = 1, batchSize = BATCH) {
  const denoiser =
    sampler instanceof FlowEulerSampler
      ? gaussianVelocityOracle(stats, size)
      : gaussianEpsilonOracle((sampler as StridedDdpmSampler).schedule, stats, size, v);
  return sample({ denoiser, sampler, noise: new Rng(seed), condition: null, batchSize });
}

describe("sampling an analytic Gaussian denoiser", () => {
  it("ancestral DDPM (every step of a schedule that reaches pure noise, σ² = β) reproduces the data mean and variance within sampling error", async () => {
    const sampler = ancestralDdpmSampler({ schedule: { type: "squaredcos_cap_v2", numTrainTimesteps: 1000 } });
    const x = await run(sampler, undefined, 1, 4);
    for (const c of [0, 1]) {
      const exact = ddpmRecursion(sampler, MEAN[c]!, STD[c]!, undefined);
      // The sampler's own bias is far below sampling error …
      expect(Math.abs(exact.variance / STD[c]! ** 2 - 1)).toBeLessThan(0.01);
      expect(Math.abs(exact.mean - MEAN[c]!)).toBeLessThan(0.002);
      // … and the samples match the data.
      expectWithinSamplingError(channelStats(x, c), { mean: MEAN[c]!, variance: STD[c]! ** 2 });
    }
  }, 30_000);

  it("course part B DDPM (linear β, T = 300) follows its exact distribution, including the terminal-SNR bias", async () => {
    const sampler = ancestralDdpmSampler();
    const x = await run(sampler, undefined, 2);
    for (const c of [0, 1]) {
      const exact = ddpmRecursion(sampler, MEAN[c]!, STD[c]!, undefined);
      expectWithinSamplingError(channelStats(x, c), exact);
      // ᾱ_299 ≈ 0.048, so starting from N(0, I) instead of q(x_T) leaves a small mean bias (~3 % of μ here) …
      expect(Math.abs(exact.mean - MEAN[c]!)).toBeLessThan(0.04 * Math.abs(MEAN[c]!));
      // … and the variance is still within 1 %.
      expect(Math.abs(exact.variance / STD[c]! ** 2 - 1)).toBeLessThan(0.01);
    }
  }, 30_000);

  it("flow Euler (400 steps) reproduces the data mean and variance within sampling error", async () => {
    const sampler = new FlowEulerSampler({ numSteps: 400 });
    const x = await run(sampler);
    for (const c of [0, 1]) {
      const exact = flowRecursion(sampler, MEAN[c]!, STD[c]!);
      expect(Math.abs(exact.variance / STD[c]! ** 2 - 1)).toBeLessThan(0.015);
      expect(Math.abs(exact.mean - MEAN[c]!)).toBeLessThan(0.005);
      expectWithinSamplingError(channelStats(x, c), { mean: MEAN[c]!, variance: STD[c]! ** 2 });
    }
  }, 30_000);

  it.each([
    ["course strided, learned range v = 0", () => courseSampler(), 0],
    ["course strided, learned range v = 0.6", () => courseSampler(), 0.6],
    ["course strided, fixed_small", () => new StridedDdpmSampler({ variance: "fixed_small" }), undefined],
    [
      "strided to clean, fixed_large",
      () => new StridedDdpmSampler({ variance: "fixed_large", toClean: true }),
      undefined,
    ],
  ] as const)("%s: samples follow the exact distribution of the discretised sampler", async (_name, make, v) => {
    const sampler = make();
    const x = await run(sampler, v, 7);
    for (const c of [0, 1]) {
      expectWithinSamplingError(channelStats(x, c), ddpmRecursion(sampler, MEAN[c]!, STD[c]!, v));
    }
    // 34 strided steps keep the mean (the variance depends on the σ choice; see README).
    expect(Math.abs(ddpmRecursion(sampler, MEAN[1]!, STD[1]!, v).mean - MEAN[1]!)).toBeLessThan(0.01);
  });

  it("flow Euler with 20 steps follows its exact (biased) distribution, so the recursion is not trivially the data", async () => {
    const sampler = new FlowEulerSampler({ numSteps: 20 });
    const x = await run(sampler, undefined, 3);
    const exact = flowRecursion(sampler, MEAN[0]!, STD[0]!);
    expect(exact.variance / STD[0]! ** 2).toBeLessThan(0.9);
    expectWithinSamplingError(channelStats(x, 0), exact);
  });
});
