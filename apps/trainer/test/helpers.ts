import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadMnist, type MnistDataset } from "../src/data/mnist.js";

export const scratch = (prefix = "trainer-") => mkdtempSync(path.join(tmpdir(), prefix));

let train: Promise<MnistDataset> | null = null;
let test: Promise<MnistDataset> | null = null;
export const trainSet = () => {
  train ??= loadMnist("train");
  return train;
};
export const testSet = () => {
  test ??= loadMnist("test");
  return test;
};

/** Overrides that make any experiment tiny: D=4, a few hundred training images, short sampling. */
export const tiny = {
  hidden: 4,
  batch: 16,
  trainExamples: 320,
  epochs: 2,
  logEvery: 5,
  checkpointEvery: 7,
  "samples.count": 10,
  "samples.scale": 2,
} as const;
