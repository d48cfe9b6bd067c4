import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import type { Batch } from "../src/data/batches.js";
import { createRng } from "../src/data/random.js";
import { modelKindOf, oneHot, prepareStep } from "../src/train/objectives.js";

const B = 64;
function batch(seed = 1): Batch {
  const rng = createRng(99);
  return {
    epoch: 0,
    index: 0,
    size: B,
    images: rng.fillUniform(new Float32Array(B * 784)),
    labels: Uint8Array.from({ length: B }, (_, i) => i % 10),
    rng: createRng(seed),
  };
}

function meanStd(xs: ArrayLike<number>): [mean: number, std: number] {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const m = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return [m, Math.sqrt(v / xs.length)];
}

describe("training objectives", () => {
  it("map experiments to the engine's model kinds", () => {
    expect(
      ["denoiser", "flow-time", "flow-class", "ddpm-class-cosine", "classifier"].map((n) =>
        modelKindOf(resolveConfig(n)),
      ),
    ).toEqual(["denoiser", "flow-time", "flow-class", "ddpm-class", "classifier"]);
  });

  it("flow matching: x_t on the straight path, target x1 − x0, t in [0, 1]", () => {
    const b = batch();
    const { x, t, c, target } = prepareStep(resolveConfig("flow-time"), b);
    expect(c).toBeUndefined();
    expect(t!.every((v) => v >= 0 && v < 1)).toBe(true);
    // x + (1 − t)·(x1 − x0) = x1 for every pixel.
    for (let i = 0; i < B; i++) {
      for (let p = i * 784; p < (i + 1) * 784; p += 97) {
        expect(x[p]! + (1 - t![i]!) * target[p]!).toBeCloseTo(b.images[p]!, 5);
      }
    }
    // x0 = x1 − target is standard normal.
    const [m, s] = meanStd(Float32Array.from(target, (u, p) => b.images[p]! - u));
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(s - 1)).toBeLessThan(0.02);
  });

  it("flow class conditioning: one-hot labels, dropped with probability p_uncond", () => {
    const { c } = prepareStep(resolveConfig("flow-class"), batch());
    for (let i = 0; i < B; i++) {
      const row = Array.from(c!.subarray(i * 10, i * 10 + 10));
      const sum = row.reduce((a, v) => a + v, 0);
      expect(sum === 0 || (sum === 1 && row[i % 10] === 1)).toBe(true);
    }
    const rng = createRng(3);
    const many = oneHot(new Uint8Array(20000), 0.1, rng.uniform);
    let dropped = 0;
    for (let i = 0; i < 20000; i++) if (many[i * 10] === 0) dropped++;
    // Binomial(20000, 0.1): sd ≈ 42.
    expect(Math.abs(dropped - 2000)).toBeLessThan(200);
  });

  it("the same batch stream gives the same feeds (determinism)", () => {
    const a = prepareStep(resolveConfig("flow-class"), batch(5));
    const b = prepareStep(resolveConfig("flow-class"), batch(5));
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.c!)).toEqual(Array.from(b.c!));
    const other = prepareStep(resolveConfig("flow-class"), batch(6));
    expect(Array.from(other.x)).not.toEqual(Array.from(a.x));
  });

  it("denoiser: z = x + σ·ε with σ = 0.5, target the clean image; pure noise: z = ε", () => {
    const b = batch();
    const { x, target } = prepareStep(resolveConfig("denoiser"), b);
    expect(target).toBe(b.images);
    const [m, s] = meanStd(Float32Array.from(x, (z, p) => z - b.images[p]!));
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(s - 0.5)).toBeLessThan(0.01);
    const pure = prepareStep(resolveConfig("denoiser-pure-noise"), batch());
    const [pm, ps] = meanStd(pure.x);
    expect(Math.abs(pm)).toBeLessThan(0.02);
    expect(Math.abs(ps - 1)).toBeLessThan(0.02);
  });

  it("DDPM: x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε, t fed as t/T, target ε", () => {
    const T = 300;
    const alphasCumprod = Float32Array.from({ length: T }, (_, t) => 1 - (t + 1) / (T + 1));
    const b = batch();
    const { x, t, target, c } = prepareStep(resolveConfig("ddpm-class"), b, alphasCumprod);
    expect(c).toHaveLength(B * 10);
    for (let i = 0; i < B; i++) {
      const step = Math.round(t![i]! * T);
      expect(step).toBeGreaterThanOrEqual(0);
      expect(step).toBeLessThan(T);
      const a = alphasCumprod[step]!;
      const p = i * 784 + 300;
      expect(x[p]).toBeCloseTo(Math.sqrt(a) * b.images[p]! + Math.sqrt(1 - a) * target[p]!, 5);
    }
    expect(() => prepareStep(resolveConfig("ddpm-class"), b)).toThrow(/alphasCumprod/);
  });

  it("classifier: the images and one-hot labels", () => {
    const b = batch();
    const { x, target } = prepareStep(resolveConfig("classifier"), b);
    expect(x).toBe(b.images);
    expect(Array.from(target.subarray(30, 40))).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });
});
