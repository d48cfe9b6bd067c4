/** Sampling N images of a class from a model file and writing them as PNGs, through the package's public entries. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildInferenceGraph, decodePng, encodePng, initWeights } from "../src/index.js";
import { sampleModelFile, writePngs } from "../src/node.js";

const dir = mkdtempSync(path.join(tmpdir(), "sample-images-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

function modelFile(kind: "flow-class" | "flow-time"): string {
  const file = path.join(dir, `${kind}.onnx`);
  writeFileSync(file, buildInferenceGraph(kind, 8, initWeights(kind, 8, 0)));
  return file;
}

describe("sampleModelFile + writePngs", () => {
  it("samples N images of a class, the same bytes for the same seed, and writes decodable PNGs", async () => {
    const file = modelFile("flow-class");
    const options = { classLabel: 7, count: 3, seed: 11, steps: 4, threads: 1 };
    const images = await sampleModelFile(file, options);
    expect(images.shape).toEqual([3, 1, 28, 28]);
    expect((await sampleModelFile(file, options)).data).toEqual(images.data);
    const files = await writePngs(images, path.join(dir, "out"), { prefix: "seven-" });
    expect(files.map((f) => path.basename(f))).toEqual(["seven-000.png", "seven-001.png", "seven-002.png"]);
    const decoded = decodePng(new Uint8Array(readFileSync(files[2]!)));
    expect(decoded.shape).toEqual([1, 1, 28, 28]);
    // 8-bit round trip of the clamped values.
    const last = images.data.subarray(2 * 784);
    const clamped = last.map((v) => Math.min(Math.max(v, 0), 1));
    expect(maxAbsDiff(decoded.data, clamped)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it("refuses a class for an unconditional model and a count or class out of range, by name", async () => {
    await expect(sampleModelFile(modelFile("flow-time"), { classLabel: 1, count: 1 })).rejects.toThrow(
      "`classLabel` must be left out: this flow-time model is not class-conditioned",
    );
    const classModel = modelFile("flow-class");
    await expect(sampleModelFile(classModel, { classLabel: 10, count: 1 })).rejects.toThrow(
      "`classLabel` must be an integer in [0, 9] (got 10)",
    );
    await expect(sampleModelFile(classModel, { count: 0 })).rejects.toThrow("`count` must be an integer in [1, 4096]");
  });

  it("encodes RGB in [−1, 1] and refuses bytes that are not a PNG", () => {
    const rgb = { shape: [1, 3, 2, 2] as const, data: Float32Array.from({ length: 12 }, (_, i) => i / 6 - 1) };
    const back = decodePng(encodePng(rgb, 0, "signed"), { range: "signed" });
    expect(back.shape).toEqual([1, 3, 2, 2]);
    expect(maxAbsDiff(back.data, rgb.data)).toBeLessThan(1 / 255 + 1e-6);
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(/`bytes` must be a PNG file/);
  });
});
