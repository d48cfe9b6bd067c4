import { describe, expect, it } from "vitest";
import {
  alphaBar,
  ancestralDdpmSampler,
  cosineSchedule,
  courseSampler,
  FlowEulerSampler,
  linearSchedule,
  makeSampler,
  makeSchedule,
  StridedDdpmSampler,
  spacedTimesteps,
  stridedTimesteps,
} from "../src/index.js";

// reference-spec §2.2 table: t, β_t, ᾱ_t, √ᾱ_t, √(1−ᾱ_t) (values as printed there).
const TABLE: [number, number, number, number, number][] = [
  [0, 4.128e-5, 0.999959, 0.99998, 0.00643],
  [30, 1.872e-4, 0.996466, 0.99823, 0.05945],
  [90, 4.821e-4, 0.976539, 0.9882, 0.15317],
  [250, 1.327e-3, 0.845888, 0.91972, 0.39257],
  [500, 3.156e-3, 0.492285, 0.70163, 0.71254],
  [690, 5.935e-3, 0.214523, 0.46317, 0.88627],
  [750, 7.579e-3, 0.143179, 0.37839, 0.92565],
  [990, 0.18999, 1.967e-4, 0.01403, 0.9999],
  [999, 0.999, 2.43e-9, 5e-5, 1.0],
];

/** Half a unit in the last printed significant digit (β is printed to 4 significant figures). */
function printedTolerance(v: number, digits: number): number {
  return v === 0 ? 0.5e-6 : 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(v))) - digits + 1);
}

describe("squaredcos_cap_v2 schedule (DeepFloyd IF, T = 1000)", () => {
  const s = cosineSchedule();
  it.each(TABLE)("t = %i matches the spec table (ᾱ to 1e-6)", (t, beta, ab, sqrtAb, sqrtOneMinus) => {
    expect(Math.abs(s.alphasCumprod[t]! - ab)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(s.betas[t]! - beta)).toBeLessThanOrEqual(printedTolerance(beta, 4) + 1e-9);
    // The √ columns are printed to 5 decimal places.
    expect(Math.abs(Math.sqrt(s.alphasCumprod[t]!) - sqrtAb)).toBeLessThanOrEqual(5e-6 + 1e-6);
    expect(Math.abs(Math.sqrt(1 - s.alphasCumprod[t]!) - sqrtOneMinus)).toBeLessThanOrEqual(5e-6 + 1e-6);
  });
  it("β is capped at 0.999 and ᾱ index 0 already includes one step", () => {
    expect(s.betas[999]).toBeCloseTo(0.999, 6);
    expect(s.alphasCumprod[0]).toBe(Math.fround(1 - s.betas[0]!));
    expect(alphaBar(s, -1)).toBe(1);
  });
});

describe("linear schedule (CS180 part B DDPM, T = 300)", () => {
  it("β from 1e-4 to 0.02 and the spec's ᾱ values", () => {
    const s = linearSchedule();
    expect(s.numTrainTimesteps).toBe(300);
    expect(s.betas[0]).toBeCloseTo(1e-4, 9);
    expect(s.betas[299]).toBeCloseTo(0.02, 8);
    expect(s.alphasCumprod[0]).toBeCloseTo(0.9999, 6);
    expect(Math.abs(s.alphasCumprod[149]! - 0.467)).toBeLessThan(0.0005);
    expect(Math.abs(s.alphasCumprod[299]! - 0.048)).toBeLessThan(0.0005);
  });
  it("config round-trips through JSON", () => {
    const s = makeSchedule(JSON.parse(JSON.stringify(linearSchedule().config)));
    expect(s.alphasCumprod).toEqual(linearSchedule().alphasCumprod);
  });
});

describe("sampler configs", () => {
  it("round-trip through JSON and makeSampler", () => {
    for (const s of [
      courseSampler({ thresholding: { ratio: 0.95, maxValue: 1.5 } }),
      ancestralDdpmSampler(),
      new FlowEulerSampler({ numSteps: 30 }),
    ]) {
      const again = makeSampler(JSON.parse(JSON.stringify(s)));
      expect(again.levels).toEqual(s.levels);
      expect(again.toJSON()).toEqual(s.toJSON());
    }
    // @ts-expect-error: unknown sampler types fail loudly.
    expect(() => makeSampler({ type: "euler-a" })).toThrow(/unknown `sampler.type`: "euler-a"/);
  });
});

describe("timesteps", () => {
  it("the course's strided list has 34 entries, 990 → 0", () => {
    const ts = stridedTimesteps();
    expect(ts).toHaveLength(34);
    expect(ts[0]).toBe(990);
    expect(ts[10]).toBe(690);
    expect(ts.at(-1)).toBe(0);
    expect(new StridedDdpmSampler().levels).toEqual(ts);
  });
  it("leading spacing: N = 100 gives 990 … 0, N = 20 gives 950 … 0, N = 34 has step 29", () => {
    expect(spacedTimesteps(100)).toEqual(Array.from({ length: 100 }, (_, i) => 990 - 10 * i));
    expect(spacedTimesteps(20)).toEqual(Array.from({ length: 20 }, (_, i) => 950 - 50 * i));
    expect(spacedTimesteps(34)[0]! - spacedTimesteps(34)[1]!).toBe(29);
  });
  it("rejects bad lists and counts, naming the field and range", () => {
    expect(() => spacedTimesteps(1200)).toThrow(/`numInferenceSteps` must be an integer in \[1, 1000\] \(got 1200\)/);
    expect(() => new StridedDdpmSampler({ timesteps: [10, 20] })).toThrow(/`timesteps` must be strictly descending/);
    expect(() => new StridedDdpmSampler({ timesteps: [1000, 0] })).toThrow(
      /`timesteps\[0\]` must be an integer in \[0, 999\]/,
    );
    expect(() => stridedTimesteps(990, 0)).toThrow(/`stride`/);
    expect(() => makeSchedule({ type: "linear", betaStart: 0.5, betaEnd: 0.1 })).toThrow(/`betaEnd`/);
    // @ts-expect-error: an unknown schedule type from outside must fail, not fall back.
    expect(() => makeSchedule({ type: "other" })).toThrow(/unknown `schedule.type`/);
    // @ts-expect-error: an unknown variance type must fail, not run fixed_small.
    expect(() => new StridedDdpmSampler({ variance: "other" })).toThrow(
      /`variance` must be one of "learned_range", "fixed_small", "fixed_large" \(got "other"\)/,
    );
  });
});
