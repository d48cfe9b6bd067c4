/** Public API of @diffusion-studio/trainer: MNIST data, experiment configs, runs and their artifacts. */
export { type Batch, type BatchOptions, batchesPerEpoch, epochBatches, epochOrder } from "./data/batches.js";
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type IdxExpectation,
  type IdxFile,
  IdxFormatError,
  parseIdx,
} from "./data/idx.js";
export {
  decodeMnist,
  loadMnist,
  MNIST_CLASSES,
  MNIST_PIXELS,
  MNIST_SIZE,
  type MnistDataset,
  type MnistSplit,
  meanImage,
  mnistDataDir,
} from "./data/mnist.js";
export { createRng, deriveSeed, permutation, type Rng, Stream } from "./data/random.js";
