import { describe, expect, it } from "vitest";
import { centerCrop, fromRGBA8, fromUnitRange, resize, tileGrid, toRGBA8, toUnitRange } from "../src/index.js";

const ramp = (h: number, w: number) => ({
  shape: [1, 1, h, w] as const,
  data: Float32Array.from({ length: h * w }, (_, i) => i),
});

describe("image helpers", () => {
  it("[−1, 1] ↔ [0, 1] and 8-bit RGBA round-trip", () => {
    const x = { shape: [1, 3, 1, 2] as const, data: Float32Array.of(-1, 1, 0, 0.5, 1, -1) };
    expect(Array.from(toUnitRange(x).data)).toEqual([0, 1, 0.5, 0.75, 1, 0]);
    expect(fromUnitRange(toUnitRange(x)).data).toEqual(x.data);
    const rgba = toRGBA8(x);
    expect(Array.from(rgba.data)).toEqual([0, 128, 255, 255, 255, 191, 0, 255]);
    const back = fromRGBA8(rgba.data, 2, 1);
    back.data.forEach((v, i) => {
      expect(Math.abs(v - x.data[i]!)).toBeLessThanOrEqual(1 / 255 + 1e-6);
    });
  });

  it("tiles a batch into a grid with padding", () => {
    const b = {
      shape: [3, 1, 2, 2] as const,
      data: Float32Array.from({ length: 12 }, (_, i) => 1 + Math.floor(i / 4)),
    };
    const g = tileGrid(b, { columns: 2, padding: 1 });
    expect(g.shape).toEqual([1, 1, 7, 7]);
    const row = (y: number) => Array.from(g.data.slice(y * 7, y * 7 + 7));
    expect(row(1)).toEqual([0, 1, 1, 0, 2, 2, 0]);
    expect(row(4)).toEqual([0, 3, 3, 0, 0, 0, 0]);
  });

  it("centre crop, area downscale and bilinear (align_corners) upscale", () => {
    expect(Array.from(centerCrop(ramp(4, 4), 2, 2).data)).toEqual([5, 6, 9, 10]);
    // 4×4 → 2×2 area = block means.
    expect(Array.from(resize(ramp(4, 4), 2, 2, { filter: "area" }).data)).toEqual([2.5, 4.5, 10.5, 12.5]);
    // 2×2 → 3×3 with align_corners: corners kept, midpoints averaged (torch F.interpolate).
    const up = resize({ shape: [1, 1, 2, 2], data: Float32Array.of(0, 2, 4, 6) }, 3, 3, { alignCorners: true });
    expect(Array.from(up.data)).toEqual([0, 1, 2, 2, 3, 4, 4, 5, 6]);
    // half-pixel bilinear 2 → 4 (align_corners false): [0, 0.5, 1.5, 2] for input [0, 2].
    const half = resize({ shape: [1, 1, 1, 2], data: Float32Array.of(0, 2) }, 1, 4);
    expect(Array.from(half.data)).toEqual([0, 0.5, 1.5, 2]);
  });

  it("rejects bad arguments naming the field", () => {
    expect(() => centerCrop(ramp(4, 4), 5, 2)).toThrow(/`height` must be an integer in \[1, 4\] \(got 5\)/);
    expect(() => fromRGBA8(new Uint8Array(3), 1, 1)).toThrow(/`rgba` length must be/);
    expect(() => toRGBA8({ shape: [1, 2, 1, 1], data: new Float32Array(2) })).toThrow(/channels must be 1 or 3/);
  });
});
