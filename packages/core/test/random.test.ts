import { describe, expect, it } from "vitest";
import { mulberry32, portableLog, Rng } from "../src/index.js";

describe("mulberry32", () => {
  it("is deterministic per seed and uniform on [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    // Uniform mean 0.5, sd of the mean sqrt(1/12/n) ≈ 0.0029: 5 sd.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.015);
  });
});

/** FNV-1a over the float32 bytes. */
function fnv1a(data: Float32Array): string {
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

describe("Rng (xoshiro128** + polar Gaussian)", () => {
  it("gives the recorded bytes for a seed (same on every platform: integer and exactly specified float ops only)", () => {
    const r = new Rng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([2837322924, 544945897, 479756282]);
    const g = new Rng(2024).gaussian([1, 1, 4, 1000]);
    expect(Array.from(g.data.slice(0, 3))).toEqual([0.5281220078468323, -1.7411854267120361, 0.06954287737607956]);
    expect(fnv1a(g.data)).toBe("99cf8189");
  });

  it("batch filling continues the same sequence as single draws", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const batch = a.gaussian([1, 1, 1, 7]); // odd: leaves a spare
    const next = a.gaussian([1, 1, 1, 3]);
    const singles = Array.from({ length: 10 }, () => Math.fround(b.normal()));
    expect([...batch.data, ...next.data]).toEqual(singles);
  });

  it("draws N(0, 1): mean, variance, kurtosis and tail mass within sampling error", () => {
    const n = 200_000;
    const x = new Rng(9).gaussian([1, 1, 1, n]).data;
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    let tail = 0;
    for (const v of x) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
      if (Math.abs(v) > 1.959964) tail++;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    expect(Math.abs(tail / n - 0.05)).toBeLessThan(5 * Math.sqrt((0.05 * 0.95) / n));
  });

  it("different seeds give different streams; permutations are permutations", () => {
    expect(new Rng(1).gaussian([1, 1, 1, 4]).data).not.toEqual(new Rng(2).gaussian([1, 1, 1, 4]).data);
    const p = Array.from(new Rng(3).permutation(100)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("portableLog agrees with Math.log to 1e-15 relative", () => {
    const r = new Rng(11);
    for (let i = 0; i < 20_000; i++) {
      const x = r.uniform() ** 4 + 1e-300;
      expect(Math.abs(portableLog(x) - Math.log(x))).toBeLessThanOrEqual(1e-15 * Math.abs(Math.log(x)) + 1e-300);
    }
    expect(portableLog(1)).toBe(0);
  });

  it("rejects bad seeds naming the field and range", () => {
    expect(() => new Rng(-1)).toThrow(/`seed` must be an integer in \[0, 4294967295\] \(got -1\)/);
    expect(() => new Rng(1.5)).toThrow(/`seed`/);
    expect(() => new Rng(Number.NaN)).toThrow(/`seed`/);
  });
});
