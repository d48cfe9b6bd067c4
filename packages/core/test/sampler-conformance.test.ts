import { describe, expect, it } from "vitest";
import {
  ancestralDdpmSampler,
  courseSampler,
  DdimSampler,
  DpmSolverSampler,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
  type ImageBatch,
  type ModelPrediction,
  makeSampler,
  Rng,
  type Sampler,
  type SamplerConfig,
  type StepCarry,
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

    it("has numSteps = levels − 1, monotone levels, and a JSON config that rebuilds it", () => {
      expect(sampler.numSteps).toBe(sampler.levels.length - 1);
      // Monotone towards clean; a two-stage sampler's second stage repeats its level (never twice in a row).
      const dir = Math.sign(sampler.levels[1]! - sampler.levels[0]!);
      for (let i = 1; i < sampler.levels.length; i++) {
        const sign = Math.sign(sampler.levels[i]! - sampler.levels[i - 1]!);
        expect(
          sign === dir || (sign === 0 && i > 1 && Math.sign(sampler.levels[i - 1]! - sampler.levels[i - 2]!) === dir),
        ).toBe(true);
      }
      expect(JSON.parse(JSON.stringify(sampler.toJSON()))).toEqual(sampler.toJSON());
      const rebuilt = makeSampler(sampler.toJSON() as SamplerConfig);
      expect(rebuilt.name).toBe(sampler.name);
      expect(rebuilt.levels).toEqual(sampler.levels);
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
      const trueNoise = (s: { alphaProd(t: number): number }, x: ImageBatch, t: number): ImageBatch => {
        const a = s.alphaProd(t);
        return { shape: x.shape, data: x.data.map((v, k) => (v - Math.sqrt(a) * clean.data[k]!) / Math.sqrt(1 - a)) };
      };
      let x = sampler.addNoise(clean, 0, noise);
      let carry: StepCarry | undefined;
      for (let i = 0; i < sampler.numSteps; i++) {
        const t = sampler.levels[i]!;
        const prediction =
          kind === "velocity"
            ? { shape: clean.shape, data: clean.data.map((v, k) => v - noise.data[k]!) }
            : kind === "epsilon"
              ? trueNoise(sampler as unknown as StridedDdpmSampler, x, t)
              : clean;
        const variance = { shape: x.shape, data: new Float32Array(x.data.length) }; // v = 0: geometric-mean σ²
        const stepNoise = sampler.stepNeedsNoise(i) ? noise : undefined;
        const out = sampler.step(i, x, { kind, prediction, variance }, stepNoise, carry);
        carry = out.carry;
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
describeSampler("flow Heun", () => new FlowHeunSampler({ steps: 6 }), "velocity", true);
describeSampler("flow DPM-Solver++(2M)", () => new FlowDpmSolverSampler({ numSteps: 9 }), "velocity", true);
describeSampler("DDIM η = 0", () => new DdimSampler({ timesteps: spacedTimesteps(12) }), "epsilon", true);
describeSampler(
  "DDIM η = 1, x0-prediction, T = 300",
  () => new DdimSampler({ schedule: { type: "linear" }, timesteps: spacedTimesteps(7, 300, "trailing"), eta: 1 }),
  "sample",
  true,
);
describeSampler("DPM-Solver++(2M)", () => new DpmSolverSampler({ timesteps: spacedTimesteps(10) }), "epsilon", true);

describe("samplers that carry state between steps", () => {
  const x = new Rng(5).gaussian([1, 1, 2, 2]);
  const velocity = { kind: "velocity" as const, prediction: x };

  it("Heun counts both stages as steps: N ODE steps are 2N − 1 evaluations, the corrector repeats its level", () => {
    const s = new FlowHeunSampler({ steps: 4 });
    expect(s.numSteps).toBe(7);
    expect(s.levels).toEqual([0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1]);
    expect(FlowHeunSampler.forEvaluations(12).numSteps).toBe(11);
    expect(FlowHeunSampler.forEvaluations(1).numSteps).toBe(1);
  });

  it("a corrector step without its predictor's carry, or with another step's, is a RangeError naming `carry`", () => {
    const s = new FlowHeunSampler({ steps: 4 });
    expect(() => s.step(1, x, velocity)).toThrow(/`carry` must be the carry of step 0 .*got none/);
    const stale = s.step(2, x, velocity).carry;
    expect(() => s.step(1, x, velocity, undefined, stale)).toThrow(/`carry` must be the carry of step 0 .*step 2/);
  });

  it("DPM-Solver++(2M) refuses a carry from another sampler or step, and starts first order without one", () => {
    const s = new FlowDpmSolverSampler({ numSteps: 8 });
    const euler = new FlowEulerSampler({ numSteps: 8 });
    const carry = s.step(2, x, velocity).carry;
    expect(() => s.step(4, x, velocity, undefined, carry)).toThrow(/`carry` must be the carry of step 3/);
    const heunCarry = new FlowHeunSampler({ steps: 8 }).step(2, x, velocity).carry;
    expect(() => s.step(3, x, velocity, undefined, heunCarry)).toThrow(/got flow-heun step 2/);
    // first order on the flow path is exactly Euler
    expect(s.step(3, x, velocity).prevSample.data).toEqual(euler.step(3, x, velocity).prevSample.data);
    expect(s.step(3, x, velocity, undefined, carry).prevSample.data).not.toEqual(
      euler.step(3, x, velocity).prevSample.data,
    );
  });

  it("bad configs are RangeErrors naming the field and range", () => {
    expect(() => new FlowHeunSampler({ steps: 0 })).toThrow("`steps` must be an integer in [1, 50000] (got 0)");
    expect(() => new FlowDpmSolverSampler({ numSteps: 2.5 })).toThrow("`numSteps` must be an integer in [1, 100000]");
    expect(() => new DdimSampler({ eta: 1.5 })).toThrow("`eta` must be a finite number in [0, 1] (got 1.5)");
    expect(() => new DpmSolverSampler({ timesteps: [5, 7] })).toThrow(/`timesteps` must be strictly descending/);
  });

  it("DDIM with η > 0 asks for noise on every step but the last (σ = 0 there) and refuses to step without it", () => {
    const s = new DdimSampler({ timesteps: [900, 500, 100], eta: 0.5 });
    expect([0, 1, 2].map((i) => s.stepNeedsNoise(i))).toEqual([true, true, false]);
    expect(new DdimSampler({ timesteps: [900, 500] }).stepNeedsNoise(0)).toBe(false);
    const eps = { kind: "epsilon" as const, prediction: x };
    expect(() => s.step(0, x, eps)).toThrow("`noise` is required for DDIM step 0 with η = 0.5");
  });
});

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
