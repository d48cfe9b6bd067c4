import { MNIST_PIXELS, type MnistDataset } from "./mnist.js";
import { createRng, permutation, type Rng, Stream } from "./random.js";

/** One shuffled minibatch. Its `rng` is the batch's own noise stream, created when the batch is fetched. */
export interface Batch {
  readonly epoch: number;
  /** Position of the batch within its epoch (0-based). */
  readonly index: number;
  readonly size: number;
  /** size×1×28×28 in [0, 1]. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  /** Draws this batch's noise, timesteps and condition drops: a pure function of (seed, epoch, index). */
  readonly rng: Rng;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly seed: number;
  /** Drop the last, smaller batch so every step has the same shape (one ONNX session per batch size). */
  readonly dropLast: boolean;
}

export function batchesPerEpoch(count: number, { batchSize, dropLast }: Pick<BatchOptions, "batchSize" | "dropLast">) {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** The order in which an epoch visits the dataset: a permutation seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return permutation(count, createRng(seed, Stream.shuffle, epoch));
}

/**
 * The batches of one epoch, from `startIndex` on (resuming mid-epoch yields exactly the batches the uninterrupted
 * epoch would have). Images are copied out lazily, one batch at a time.
 */
export function* epochBatches(
  dataset: MnistDataset,
  epoch: number,
  options: BatchOptions,
  startIndex = 0,
): Generator<Batch, void, undefined> {
  const { batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > dataset.count) {
    throw new RangeError(`batchSize must be an integer in [1, ${dataset.count}], got ${batchSize}`);
  }
  const order = epochOrder(dataset.count, seed, epoch);
  const total = batchesPerEpoch(dataset.count, options);
  for (let index = startIndex; index < total; index++) {
    const start = index * batchSize;
    const size = Math.min(batchSize, dataset.count - start);
    const images = new Float32Array(size * MNIST_PIXELS);
    const labels = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const item = order[start + i]!;
      images.set(dataset.images.subarray(item * MNIST_PIXELS, (item + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
      labels[i] = dataset.labels[item]!;
    }
    yield { epoch, index, size, images, labels, rng: createRng(seed, Stream.batchNoise, epoch, index) };
  }
}
