import { expect, it } from "vitest";
import { ancestralDdpmSampler, type Denoiser, imageBatch, Rng, sample } from "../src/index.js";

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
