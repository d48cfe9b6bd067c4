import { describe, expect, it } from "vitest";
import {
  ancestralDdpmSampler,
  courseSampler,
  FlowEulerSampler,
  type ImageBatch,
  type ModelPrediction,
  Rng,
  type Sampler,
  StridedDdpmSampler,
  spacedTimesteps,
} from "../src/index.js";

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
  return worst;
}

/** The surface every sampler shares (diffusers' SchedulerCommonTest idea): levels, forward process, step shapes. */
function describeSampler(name: string, make: () => Sampler, kind: ModelPrediction["kind"], cleanAtEnd: boolean) {
  describe(`${name} conformance`, () => {
    const sampler = make();
    const rng = new Rng(1);
    const clean = rng.gaussian([2, 3, 8, 8]);
    const noise = rng.gaussian([2, 3, 8, 8]);

    it("has numSteps = levels − 1, monotone levels, and a JSON config", () => {
      expect(sampler.numSteps).toBe(sampler.levels.length - 1);
      const dir = Math.sign(sampler.levels[1]! - sampler.levels[0]!);
      for (let i = 1; i < sampler.levels.length; i++) {
        expect(Math.sign(sampler.levels[i]! - sampler.levels[i - 1]!)).toBe(dir);
      }
      expect(JSON.parse(JSON.stringify(sampler.toJSON()))).toEqual(sampler.toJSON());
    });

    it("forward-noises to any level, and the last level is the clean image when the sampler ends clean", () => {
      const first = sampler.addNoise(clean, 0, noise);
      expect(first.shape).toEqual(clean.shape);
      const last = sampler.addNoise(clean, sampler.numSteps, noise);
      if (cleanAtEnd) expect(last.data).toEqual(clean.data);
      expect(() => sampler.addNoise(clean, sampler.numSteps + 1, noise)).toThrow(/`levelIndex` must be an integer/);
    });

    it("steps keep the shape; the exact prediction of the data at every level returns the data at the end", () => {
      // An oracle that knows the clean image: ε = (x_t − √ᾱ·x0)/√(1−ᾱ), u = x1 − x0, or x0 itself.
      const trueNoise = (s: StridedDdpmSampler, x: ImageBatch, t: number): ImageBatch => {
        const a = s.alphaProd(t);
        return { shape: x.shape, data: x.data.map((v, k) => (v - Math.sqrt(a) * clean.data[k]!) / Math.sqrt(1 - a)) };
      };
      let x = sampler.addNoise(clean, 0, noise);
      for (let i = 0; i < sampler.numSteps; i++) {
        const t = sampler.levels[i]!;
        const prediction =
          kind === "velocity"
            ? { shape: clean.shape, data: clean.data.map((v, k) => v - noise.data[k]!) }
            : kind === "epsilon"
              ? trueNoise(sampler as StridedDdpmSampler, x, t)
              : clean;
        const variance = { shape: x.shape, data: new Float32Array(x.data.length) }; // v = 0: geometric-mean σ²
        const out = sampler.step(i, x, { kind, prediction, variance }, sampler.stepNeedsNoise(i) ? noise : undefined);
        expect(out.prevSample.shape).toEqual(x.shape);
        expect(out.predOriginalSample.shape).toEqual(x.shape);
        // x̂0 is the clean image (to float32 rounding amplified by 1/√ᾱ at the noisiest levels).
        const tol = sampler.time === "discrete" && t > 900 ? 1e-3 : 1e-5;
        // One assertion per step on the worst pixel (a per-pixel expect made this test slow on a busy machine).
        expect(maxAbsDiff(out.predOriginalSample.data, clean.data), `level ${i}`).toBeLessThan(tol);
        x = out.prevSample;
      }
      if (cleanAtEnd) expect(maxAbsDiff(x.data, clean.data)).toBeLessThan(1e-4);
    });

    it("rejects a prediction kind it cannot use", () => {
      const wrong = kind === "velocity" ? "epsilon" : "velocity";
      expect(() => sampler.step(0, clean, { kind: wrong, prediction: noise }, noise)).toThrow(
        /`prediction.kind` must be/,
      );
    });
  });
}

describeSampler("course strided DDPM", () => courseSampler(), "epsilon", false);
describeSampler(
  "strided DDPM to clean, x0-prediction",
  () => new StridedDdpmSampler({ timesteps: spacedTimesteps(20), toClean: true }),
  "sample",
  true,
);
describeSampler("ancestral DDPM T = 300", () => ancestralDdpmSampler(), "epsilon", true);
describeSampler("flow Euler", () => new FlowEulerSampler({ numSteps: 16 }), "velocity", true);

it("flow Euler with the exact straight-line velocity reaches the clean image exactly in any number of steps", () => {
  const rng = new Rng(2);
  const clean = rng.gaussian([1, 1, 4, 4]);
  const noise = rng.gaussian([1, 1, 4, 4]);
  const s = new FlowEulerSampler({ numSteps: 3 });
  let x = noise;
  const v = { shape: clean.shape, data: clean.data.map((c, k) => c - noise.data[k]!) };
  for (let i = 0; i < s.numSteps; i++) x = s.step(i, x, { kind: "velocity", prediction: v }).prevSample;
  x.data.forEach((val, k) => {
    expect(val).toBeCloseTo(clean.data[k]!, 5);
  });
});
