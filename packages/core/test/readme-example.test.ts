import { expect, it } from "vitest";
import {
  ancestralDdpmSampler,
  type Denoiser,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
  imageBatch,
  Rng,
  sample,
} from "../src/index.js";

it("the README example runs and samples the data mean", async () => {
  // ---- README example (keep in sync) ----
  const sampler = ancestralDdpmSampler(); // CS180 part B: linear β 1e-4 … 0.02, T = 300
  const alphaBar = sampler.schedule.alphasCumprod;
  const denoiser: Denoiser = {
    info: { channels: 1, height: 28, width: 28, prediction: "epsilon", time: "discrete", learnedVariance: false },
    async predict({ x, t }) {
      const out = imageBatch(x.shape);
      const perItem = x.data.length / x.shape[0];
      for (let i = 0; i < out.data.length; i++) {
        const a = alphaBar[t[Math.floor(i / perItem)]!]!;
        // E[ε | x_t] for x0 ~ N(0.5, 0.04): √(1−ᾱ)(x_t − √ᾱ·0.5) / (0.04ᾱ + 1 − ᾱ)
        out.data[i] = (Math.sqrt(1 - a) * (x.data[i]! - Math.sqrt(a) * 0.5)) / (0.04 * a + 1 - a);
      }
      return { kind: "epsilon", prediction: out };
    },
  };

  const steps: number[] = [];
  const images = await sample({
    denoiser,
    sampler,
    noise: new Rng(180), // seeded: same bytes on every platform
    condition: Array.from({ length: 8 }, (_, i) => ({ classLabel: i })),
    guidanceScale: 5, // CFG; the unconditional branch is `null` (the zero class vector) for class labels
    progressEvery: 50,
    onProgress: ({ step }) => {
      steps.push(step);
    },
  });
  const mean = images.data.reduce((s, v) => s + v, 0) / images.data.length;
  // ---- end ----
  expect(images.shape).toEqual([8, 1, 28, 28]);
  expect(mean.toFixed(2)).toBe("0.50");
  expect(steps).toEqual([50, 100, 150, 200, 250, 300]);
});

it("the README's few-step example runs: at 8 evaluations the second-order samplers keep more of the spread Euler loses", async () => {
  const printed: string[] = [];
  const log = (...args: unknown[]) => printed.push(args.join(" "));
  // ---- README few-step example (keep in sync; console.log → log) ----
  // The exact velocity for data x1 ~ N(0.5, 0.5²): E[x1 − x0 | x_t] with x0 ~ N(0, 1), x_t = (1−t)·x0 + t·x1
  const denoiser: Denoiser = {
    info: { channels: 1, height: 28, width: 28, prediction: "velocity", time: "continuous", learnedVariance: false },
    async predict({ x, t }) {
      const out = imageBatch(x.shape);
      const perItem = x.data.length / x.shape[0];
      for (let i = 0; i < out.data.length; i++) {
        const s = t[Math.floor(i / perItem)]!;
        const k = (0.25 * s - (1 - s)) / ((1 - s) ** 2 + 0.25 * s * s);
        out.data[i] = 0.5 + k * (x.data[i]! - 0.5 * s);
      }
      return { kind: "velocity", prediction: out };
    },
  };
  const samplers = [
    new FlowEulerSampler({ numSteps: 8 }),
    FlowHeunSampler.forEvaluations(8), // 4 ODE steps, the last one Euler: 7 model evaluations
    new FlowDpmSolverSampler({ numSteps: 8 }),
  ];
  for (const sampler of samplers) {
    const x = await sample({ denoiser, sampler, noise: new Rng(1), condition: null, batchSize: 16 });
    const mean = x.data.reduce((s, v) => s + v, 0) / x.data.length;
    const std = Math.sqrt(x.data.reduce((s, v) => s + (v - mean) ** 2, 0) / x.data.length);
    log(`${sampler.name}: ${sampler.numSteps} evaluations, std ${std.toFixed(3)} (data: 0.500)`);
  }
  // ---- end ----
  expect(printed).toEqual([
    "flow-euler: 8 evaluations, std 0.419 (data: 0.500)",
    "flow-heun: 7 evaluations, std 0.437 (data: 0.500)",
    "flow-dpm-solver++2m: 8 evaluations, std 0.488 (data: 0.500)",
  ]);
});
