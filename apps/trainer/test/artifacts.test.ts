import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { trajectoryGif } from "../src/artifacts/gif.js";
import { composeGrid, gridPng, toByte } from "../src/artifacts/grid.js";
import { lossCurve, lossCurveSpec } from "../src/artifacts/loss-plot.js";

const tiles = (count: number, fill: (n: number, i: number) => number) => ({
  data: Float32Array.from({ length: count * 784 }, (_, k) => fill(Math.floor(k / 784), k % 784)),
  count,
  height: 28,
  width: 28,
});

describe("sample grids", () => {
  it("quantise with clamping, NaN to black", () => {
    expect([toByte(-0.5), toByte(0), toByte(0.5), toByte(1), toByte(7), toByte(Number.NaN)]).toEqual([
      0, 0, 128, 255, 255, 0,
    ]);
  });

  it("place each tile at its row and column", () => {
    const { pixels, width, height } = composeGrid(
      tiles(3, (n) => (n + 1) / 4),
      { columns: 2, scale: 1, gap: 1, gapLevel: 7 },
    );
    expect([width, height]).toEqual([2 * 28 + 3, 2 * 28 + 3]);
    expect(pixels[0]).toBe(7);
    expect(pixels[1 * width + 1]).toBe(toByte(0.25)); // tile 0 top-left
    expect(pixels[1 * width + 1 + 29]).toBe(toByte(0.5)); // tile 1
    expect(pixels[30 * width + 1]).toBe(toByte(0.75)); // tile 2, second row
    expect(pixels[30 * width + 30]).toBe(7); // empty cell keeps the gap colour
  });

  it("encode a PNG enlarged with crisp (nearest-neighbour) pixels", async () => {
    const png = await gridPng(
      tiles(2, (n, i) => (i % 2 === n % 2 ? 1 : 0)),
      { columns: 2, scale: 4, gap: 1 },
    );
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.format).toBe("raw");
    expect([info.width, info.height]).toEqual([(2 * 28 + 3) * 4, (28 + 2) * 4]);
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels];
    // Source pixel (1, 1) of tile 0 is pixel 0 of the tile: 1 → white over a 4×4 block, neighbour black.
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) expect(at(4 + dx, 4 + dy)).toBe(255);
    expect(at(8, 4)).toBe(0);
    // Only the three grey levels used appear (no interpolation blur).
    expect(new Set(data).size).toBeLessThanOrEqual(3);
  });
});

describe("loss curve", () => {
  it("is a Vega-Lite spec over the finite, positive losses", () => {
    const spec = lossCurveSpec(
      [
        { step: 1, epoch: 0, loss: 1 },
        { step: 2, epoch: 0, loss: Number.NaN },
        { step: 3, epoch: 0, loss: 0.5 },
      ],
      { title: "t" },
    ) as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(2);
  });

  it("renders to SVG and a PNG of the requested size", async () => {
    const points = Array.from({ length: 300 }, (_, i) => ({ step: i + 1, epoch: 0, loss: Math.exp(-i / 50) + 0.1 }));
    const { svg, png } = await lossCurve(points, { title: "demo loss", width: 400, height: 200 }, 72);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("demo loss");
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe("png");
    expect(meta.width).toBeGreaterThan(400);
    expect(meta.height).toBeGreaterThan(200);
  });
});

describe("trajectory GIF", () => {
  it("has one looping frame per state, with the last one held", async () => {
    const frames = [0, 0.5, 1].map((v) => tiles(4, () => v));
    const gif = trajectoryGif(frames, { columns: 2, scale: 2, frameMs: 80, holdLastMs: 1000 });
    const meta = await sharp(gif, { pages: -1 }).metadata();
    expect(meta.format).toBe("gif");
    expect(meta.pages).toBe(3);
    expect(meta.loop).toBe(0);
    expect(meta.delay).toEqual([80, 80, 1080]);
    expect(meta.width).toBe((2 * 28 + 3) * 2);
    const middle = await sharp(gif, { page: 1 }).raw().toBuffer({ resolveWithObject: true });
    const { data, info } = middle;
    expect(data[(4 * info.width + 4) * info.channels]).toBe(128);
  });
});
