import { describe, expect, it } from "vitest";
import {
  flipView,
  identityView,
  makeView,
  negateView,
  patchPermuteView,
  pixelPermuteView,
  Rng,
  rotateView,
  scaleView,
  skewView,
  type View,
} from "../src/index.js";

const VALID: View[] = [
  identityView(),
  flipView(),
  rotateView(90),
  rotateView(180),
  rotateView(270),
  negateView(),
  skewView(1.5),
  patchPermuteView(8, 4522),
  pixelPermuteView(3),
];

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe("views", () => {
  it.each(VALID.map((v) => [v.name, v] as const))("%s is valid and orthogonal", (_name, view) => {
    expect(view.valid).toBe(true);
    const rng = new Rng(1);
    const x = rng.gaussian([2, 3, 64, 64]);
    const y = rng.gaussian([2, 3, 64, 64]);
    // inverse ∘ view = id, exactly
    expect(view.inverse(view.apply(x)).data).toEqual(x.data);
    expect(view.apply(view.inverse(x)).data).toEqual(x.data);
    // ⟨Ax, Ay⟩ = ⟨x, y⟩ for all x, y ⇔ AᵀA = I
    expect(dot(view.apply(x).data, view.apply(y).data)).toBeCloseTo(dot(x.data, y.data), 6);
    // Gaussian noise statistics preserved: N(0, I) in, N(0, I) out (mean, variance, lag-1 correlation).
    const v = view.apply(x).data;
    const n = v.length;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const variance = v.reduce((a, b) => a + b * b, 0) / n - mean * mean;
    let lag = 0;
    for (let i = 0; i + 1 < n; i++) lag += v[i]! * v[i + 1]!;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(lag / n)).toBeLessThan(5 / Math.sqrt(n));
  });

  it("flip reverses rows; rotate90 turns clockwise; skew rolls columns", () => {
    const x = { shape: [1, 1, 2, 2] as const, data: Float32Array.of(1, 2, 3, 4) };
    expect(Array.from(flipView().apply(x).data)).toEqual([3, 4, 1, 2]);
    expect(Array.from(rotateView(90).apply(x).data)).toEqual([3, 1, 4, 2]);
    expect(Array.from(rotateView(270).apply(x).data)).toEqual([2, 4, 1, 3]);
    expect(Array.from(rotateView(180).apply(x).data)).toEqual([4, 3, 2, 1]);
    const col = { shape: [1, 1, 3, 2] as const, data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    // factor 1, W = 2: column 0 rolls by trunc(−1) = −1, column 1 by 0.
    expect(Array.from(skewView(1).apply(col).data)).toEqual([3, 2, 5, 4, 1, 6]);
  });

  it("negate inverts ε but leaves the variance channels alone", () => {
    const v = { shape: [1, 1, 1, 2] as const, data: Float32Array.of(0.5, -0.25) };
    expect(Array.from(negateView().inverse(v).data)).toEqual([-0.5, 0.25]);
    expect(Array.from(negateView().inverseVariance(v).data)).toEqual([0.5, -0.25]);
  });

  it("a scaling view is invertible but not orthogonal, so it is marked invalid", () => {
    const view = scaleView(2);
    expect(view.valid).toBe(false);
    const x = new Rng(2).gaussian([1, 1, 8, 8]);
    expect(view.inverse(view.apply(x)).data).toEqual(x.data);
    expect(dot(view.apply(x).data, view.apply(x).data)).toBeCloseTo(4 * dot(x.data, x.data), 3);
  });

  it("configs round-trip through JSON", () => {
    const x = new Rng(3).gaussian([1, 2, 16, 16]);
    for (const view of VALID) {
      const again = makeView(JSON.parse(JSON.stringify(view.config)));
      expect(again.apply(x).data).toEqual(view.apply(x).data);
    }
  });

  it("rejects views that do not fit the image, naming the field", () => {
    const x = new Rng(4).gaussian([1, 1, 8, 12]);
    expect(() => rotateView(90).apply(x)).toThrow(/the `rotate90` view needs a square image \(got 8×12\)/);
    expect(() => patchPermuteView(5).apply(x)).toThrow(/`patchSize` must divide the image height and width/);
    // @ts-expect-error: only 90, 180 and 270.
    expect(() => rotateView(45)).toThrow(/`degrees` must be one of 90, 180, 270 \(got 45\)/);
  });
});
