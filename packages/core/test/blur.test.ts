import { describe, expect, it } from "vitest";
import {
  defaultSigma,
  gaussianBlur,
  gaussianKernel1d,
  highPass,
  hybridKernelSize,
  type ImageBatch,
  lowPass,
  Rng,
  type Shape,
  scaledCourseKernel,
} from "../src/index.js";
import fixture from "./fixtures/gaussian-blur.json" with { type: "json" };

describe("gaussianBlur has torchvision semantics", () => {
  it.each(fixture.cases.map((c) => [`${c.shape.join("×")} k=${c.kernelSize} σ=${c.sigma ?? "default"}`, c] as const))(
    "%s matches the torch reference (reflect padding, normalised kernel) to 1e-6",
    (_name, c) => {
      const input: ImageBatch = { shape: c.shape as unknown as Shape, data: Float32Array.from(c.input) };
      const out = gaussianBlur(input, c.kernelSize, c.sigma ?? undefined);
      let maxDiff = 0;
      out.data.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - c.output[i]!));
      });
      expect(maxDiff).toBeLessThanOrEqual(1e-6);
    },
  );

  it("kernel is normalised and symmetric; σ defaults to torchvision's formula", () => {
    const k = gaussianKernel1d(33, 2);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[0]).toBeCloseTo(k[32]!, 12);
    expect(defaultSigma(5)).toBeCloseTo(1.1, 12);
  });

  it("low-pass plus high-pass gives back the input, and blur keeps a constant image", () => {
    const x = new Rng(1).gaussian([2, 3, 40, 40]);
    const lo = lowPass(x);
    const hi = highPass(x);
    x.data.forEach((v, i) => {
      expect(Math.abs(lo.data[i]! + hi.data[i]! - v)).toBeLessThan(1e-6);
    });
    const flat = gaussianBlur({ shape: [1, 1, 8, 8], data: new Float32Array(64).fill(0.25) }, 5, 1);
    for (const v of flat.data) expect(v).toBeCloseTo(0.25, 6);
  });

  it("rejects bad kernels, naming the field", () => {
    const x = new Rng(1).gaussian([1, 1, 8, 8]);
    expect(() => gaussianBlur(x, 4)).toThrow(/`kernelSize` must be an odd integer \(got 4\)/);
    expect(() => gaussianBlur(x, 33, 2)).toThrow(
      /`kernelSize` 33 needs padding 16, which must be < the image height and width \(got 8×8\)/,
    );
    expect(() => gaussianBlur(x, 3, -1)).toThrow(/`sigma` must be a finite number > 0 \(got -1\)/);
  });
});

describe("hybrid kernel sizes", () => {
  it("cover ±3σ, at least the requested taps, and fit inside the image", () => {
    expect(scaledCourseKernel(64)).toBe(33);
    expect(scaledCourseKernel(16)).toBe(9);
    expect(hybridKernelSize(2, 64, scaledCourseKernel(64))).toBe(33);
    expect(hybridKernelSize(8, 64, 33)).toBe(49);
    expect(hybridKernelSize(2, 28)).toBe(13);
    expect(hybridKernelSize(10, 28)).toBe(25);
    expect(() => hybridKernelSize(0, 28)).toThrow("`sigma` must be a finite number > 0 (got 0)");
    expect(() => hybridKernelSize(2, 2)).toThrow("`imageSize` must be an integer in [3, 4096] (got 2)");
  });
});
