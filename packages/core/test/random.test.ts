import { describe, expect, it } from "vitest";
import { mulberry32 } from "../src/index.js";

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
