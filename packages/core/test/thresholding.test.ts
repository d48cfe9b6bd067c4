import { describe, expect, it } from "vitest";
import { dynamicThreshold, Rng } from "../src/index.js";

/** Reference by sorting: s = torch.quantile(|x|, q) (linear), clamped to [1, max]; clamp(x, −s, s)/s. */
function naive(x: Float32Array, q: number, max: number): Float32Array {
  const abs = Float32Array.from(x, Math.abs).sort();
  const rank = Math.fround(Math.fround(q) * (abs.length - 1));
  const lo = abs[Math.floor(rank)]!;
  const hi = abs[Math.min(Math.floor(rank) + 1, abs.length - 1)]!;
  const s = Math.min(Math.max(lo + (rank - Math.floor(rank)) * (hi - lo), 1), max);
  return x.map((v) => Math.min(Math.max(v, -s), s) / s);
}

describe("dynamic thresholding", () => {
  it("matches a sort-based quantile on many sizes, with ties", () => {
    const rng = new Rng(4);
    for (const n of [1, 2, 3, 7, 20, 101, 768]) {
      const x = rng.gaussian([1, 1, 1, n]).data.map((v, i) => (i % 5 === 0 ? 2 : v * 1.6));
      const out = dynamicThreshold({ shape: [1, 1, 1, n], data: x.slice() }, 0.95, 1.5);
      const ref = naive(x, 0.95, 1.5);
      out.data.forEach((v, i) => {
        expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-6);
      });
    }
  });
});
