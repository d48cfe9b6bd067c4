import { describe, expect, it } from "vitest";
import {
  DdimSampler,
  DpmSolverSampler,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
  imageBatch,
  Rng,
  type Sampler,
  sample,
  spacedTimesteps,
} from "../src/index.js";
import { channelStats, gaussianEpsilonOracle, gaussianVelocityOracle } from "./helpers/oracles.js";

// Data x ~ N(μ, s²) per pixel: the exact denoiser and velocity are affine in x, so a deterministic sampler maps
// x_start ↦ A·x_start + B, and the exact ODE maps the start distribution onto the data exactly.
const MU = -0.5;
const S = 0.8;
const stats = () => ({ mean: [MU], std: [S] });
const pixel = { channels: 1, height: 1, width: 1 };

function oracleFor(sampler: Sampler, size = pixel) {
  if (sampler.time === "continuous") return gaussianVelocityOracle(stats, size);
  return gaussianEpsilonOracle((sampler as DdimSampler).schedule, stats, size);
}

/** The affine map of a whole deterministic run, read off by sampling from x_start = 0 and 1. */
async function affineMap(sampler: Sampler): Promise<{ A: number; B: number }> {
  const initialNoise = imageBatch([2, 1, 1, 1], Float32Array.from([0, 1]));
  const x = await sample({ denoiser: oracleFor(sampler), sampler, noise: new Rng(1), condition: null, initialNoise });
  return { A: x.data[1]! - x.data[0]!, B: x.data[0]! };
}

/**
 * What the exact probability-flow ODE gives from N(0, 1) at the sampler's first level: it transports the marginal
 * N(√ᾱ·μ, ᾱs² + 1 − ᾱ) onto the data quantile by quantile, x ↦ μ + s·(x − √ᾱ·μ)/√(ᾱs² + 1 − ᾱ). Flow time 0 is
 * ᾱ = 0 (pure noise).
 */
function exactMap(sampler: Sampler): { A: number; B: number } {
  const a = sampler.time === "continuous" ? 0 : (sampler as DdimSampler).alphaProd(sampler.levels[0]!);
  const A = S / Math.sqrt(a * S * S + 1 - a);
  return { A, B: MU - A * Math.sqrt(a) * MU };
}

async function mapError(sampler: Sampler): Promise<number> {
  const got = await affineMap(sampler);
  const exact = exactMap(sampler);
  return Math.abs(got.A - exact.A) + Math.abs(got.B - exact.B);
}

const linspace = (n: number) => spacedTimesteps(n, 1000, "linspace");

/** Each sampler by its number of model evaluations (the ε samplers evaluate at n timesteps; the last steps to clean). */
const byEvaluations: [string, number, (nfe: number) => Sampler][] = [
  ["flow Euler", 1, (n) => new FlowEulerSampler({ numSteps: n })],
  ["DDIM η = 0", 1, (n) => new DdimSampler({ timesteps: linspace(n) })],
  ["flow Heun", 2, (n) => FlowHeunSampler.forEvaluations(n)],
  ["flow DPM-Solver++(2M)", 2, (n) => new FlowDpmSolverSampler({ numSteps: n })],
  ["DPM-Solver++(2M)", 2, (n) => new DpmSolverSampler({ timesteps: linspace(n) })],
];

describe("few-step samplers on an analytic Gaussian", () => {
  it.each(byEvaluations)(
    "%s converges to the exact ODE map at order %i in the number of evaluations",
    async (_n, order, make) => {
      const sampler = make(100);
      expect(sampler.numSteps).toBeGreaterThanOrEqual(99); // Heun: 2N − 1
      // Error of the end map vs the exact transport at 50, 100, 200 evaluations (measured: Euler and DDIM halve it;
      // Heun quarters it; the 2M solvers lose a little to their first-order first and last steps: ×3.4–4.8).
      const errors = [];
      for (const nfe of [50, 100, 200]) errors.push(await mapError(make(nfe)));
      const rate = Math.log2(errors[1]! / errors[2]!);
      expect(rate).toBeGreaterThan(order - 0.25);
      expect(rate).toBeLessThan(order + 0.35);
      expect(Math.log2(errors[0]! / errors[1]!)).toBeGreaterThan(order - 0.3);
      expect(errors[2]).toBeLessThan(order === 1 ? 6e-3 : 3e-4);
    },
  );

  it("at 8–16 evaluations the second-order flow samplers land 2–15× closer to the data than Euler", async () => {
    for (const nfe of [8, 12, 16]) {
      const euler = await mapError(new FlowEulerSampler({ numSteps: nfe }));
      expect(await mapError(FlowHeunSampler.forEvaluations(nfe))).toBeLessThan(euler / 2);
      expect(await mapError(new FlowDpmSolverSampler({ numSteps: nfe }))).toBeLessThan(euler / 5);
    }
  });

  it.each([0.5, 1])(
    "DDIM with η = %s: 8,192 samples follow the exact distribution of its discretisation",
    async (eta) => {
      const sampler = new DdimSampler({ timesteps: linspace(24), eta });
      const exact = ddimRecursion(sampler);
      const x = await sample({
        denoiser: oracleFor(sampler, { channels: 1, height: 8, width: 8 }),
        sampler,
        noise: new Rng(11),
        condition: null,
        batchSize: 128,
      });
      const got = channelStats(x, 0);
      expect(Math.abs(got.mean - exact.mean)).toBeLessThan(4.5 * Math.sqrt(exact.variance / got.n));
      expect(Math.abs(got.variance - exact.variance)).toBeLessThan(4.5 * exact.variance * Math.sqrt(2 / got.n));
      // … and that distribution is close to the data: stochastic DDIM's bias shrinks with more steps too.
      expect(Math.abs(exact.mean - MU)).toBeLessThan(0.05);
      expect(Math.abs(Math.sqrt(exact.variance) / S - 1)).toBeLessThan(0.1);
    },
  );
});

/**
 * Mean and variance after each DDIM step written out from the paper (eq. 12, 16) with the exact Gaussian ε,
 * independently of the implementation: x′ = √ᾱ′·x̂0 + √(1 − ᾱ′ − σ²)·ε̂ + σz is affine in x plus fresh noise.
 */
function ddimRecursion(sampler: DdimSampler): { mean: number; variance: number } {
  const ab = (t: number) => (t < 0 ? 1 : sampler.schedule.alphasCumprod[t]!);
  let mean = 0;
  let variance = 1;
  for (let i = 0; i < sampler.numSteps; i++) {
    const a = ab(sampler.levels[i]!);
    const ap = ab(sampler.levels[i + 1]!);
    const k = Math.sqrt(1 - a) / (a * S * S + 1 - a); // ε̂ = k·(x − √ᾱ·μ)
    const sigma = sampler.eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
    const dir = Math.sqrt(1 - ap - sigma * sigma);
    // x̂0 = (x − √(1−ᾱ)·ε̂)/√ᾱ; collect x′ = c·x + d
    const c = (Math.sqrt(ap) * (1 - Math.sqrt(1 - a) * k)) / Math.sqrt(a) + dir * k;
    const d = (Math.sqrt(ap) * Math.sqrt(1 - a) * k * Math.sqrt(a) * MU) / Math.sqrt(a) - dir * k * Math.sqrt(a) * MU;
    mean = c * mean + d;
    variance = c * c * variance + sigma * sigma;
  }
  return { mean, variance };
}
