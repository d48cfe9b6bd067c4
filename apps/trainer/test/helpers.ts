import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveConfig } from "../src/config/resolve.js";
import { loadMnist, type MnistDataset } from "../src/data/mnist.js";
import { createRunDir } from "../src/run/run-dir.js";
import { runTraining } from "../src/train/run.js";

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

/** A finished run of experiment `name` with `overrides`, trained in a scratch folder on one thread. */
export async function trained(name: string, overrides: Record<string, unknown>): Promise<string> {
  const dir = createRunDir(path.join(scratch(), name), resolveConfig(name, overrides));
  await runTraining({
    dir,
    threads: 1,
    trainSet: await trainSet(),
    artist: { testSet: await testSet(), gifFrames: 2 },
  });
  return dir;
}
