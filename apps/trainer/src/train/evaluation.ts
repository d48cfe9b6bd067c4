/**
 * The end-of-run evaluations drawn with the exported model: a generator's sampling trajectory, the single-step
 * denoiser's σ sweep (or the pure-noise model's mean image), and the classifier's test accuracy.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { trajectoryGif } from "../artifacts/gif.js";
import { type GreyImages, gridPng } from "../artifacts/grid.js";
import type { DenoiserConfig, ExperimentConfig } from "../config/schema.js";
import { loadMnist, MNIST_PIXELS, MNIST_SIZE, type MnistDataset, meanImage } from "../data/mnist.js";
import { createRng } from "../data/random.js";
import { runPaths } from "../run/layout.js";
import type { LoadedModel } from "./models-engine.js";

/** What the evaluations share: the test split, the run's sample seed and where files go. */
export interface EvaluationContext {
  readonly dir: string;
  test(): Promise<MnistDataset>;
  train(): Promise<MnistDataset>;
  sampleSeed(config: ExperimentConfig): number;
  /** Records a written file under `key` (paths relative to the run directory). */
  artifact(key: string, file: string): void;
}

export type Evaluation = Record<string, number | number[]>;

export const grey = (data: Float32Array, count: number): GreyImages => ({
  data,
  count,
  height: MNIST_SIZE,
  width: MNIST_SIZE,
});

/** Stacks images row by row: [a0 … a(n−1), b0 …] so that a grid with n columns shows one row per array. */
export function rows(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** z = x + σ·ε (or ε for the pure-noise variant) for the first `count` test images, seeded. */
export function noisyInputs(config: DenoiserConfig, images: Float32Array, sigma: number, seed: number): Float32Array {
  const noise = createRng(seed).fillNormal(new Float32Array(images.length));
  if (config.denoise.pureNoise) return noise;
  return Float32Array.from(images, (v, i) => v + sigma * noise[i]!);
}

function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

/** Runs `model` over `x` in chunks (bounded memory at any count). */
async function runChunked(model: LoadedModel, x: Float32Array, count: number, chunk = 500): Promise<Float32Array> {
  const outSize = model.card.outputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count * outSize);
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const y = await model.run({ x: x.subarray(start * MNIST_PIXELS, (start + n) * MNIST_PIXELS) });
    out.set(y, start * outSize);
  }
  return out;
}

/** The first 1,000 test digits: what the denoiser evaluations noise and clean up. */
async function denoiserTestImages(ctx: EvaluationContext): Promise<{ clean: Float32Array; n: number }> {
  const n = 1000;
  return { clean: (await ctx.test()).images.subarray(0, n * MNIST_PIXELS), n };
}

/** The pure-noise model should output (close to) the training-set mean image whatever the input (spec §4.2). */
export async function evaluatePureNoise(
  ctx: EvaluationContext,
  config: DenoiserConfig,
  model: LoadedModel,
): Promise<Evaluation> {
  const { clean, n } = await denoiserTestImages(ctx);
  const mean = meanImage(await ctx.train());
  const out = await runChunked(model, noisyInputs(config, clean, 1, ctx.sampleSeed(config) + 1), n);
  const avg = new Float32Array(MNIST_PIXELS);
  for (let i = 0; i < out.length; i++) avg[i % MNIST_PIXELS]! += out[i]! / n;
  const file = path.join(ctx.dir, "mean-image.png");
  writeFileSync(
    file,
    await gridPng(grey(rows(mean, avg, out.subarray(0, 6 * MNIST_PIXELS)), 8), { columns: 8, scale: 4 }),
  );
  ctx.artifact("meanComparison", file);
  return {
    mseOutputVsTrainMean: mse(avg, mean),
    meanOutputVsTrainMeanPerImage: mse(out, rows(...Array.from({ length: n }, () => mean))),
  };
}

/** Out-of-distribution σ sweep: test MSE at each σ, and one test digit at every σ (noisy row, output row). */
export async function evaluateSigmaSweep(
  ctx: EvaluationContext,
  config: DenoiserConfig,
  model: LoadedModel,
): Promise<Evaluation> {
  const { clean, n } = await denoiserTestImages(ctx);
  const seed = ctx.sampleSeed(config);
  const sweep = config.denoise.sigmaSweep;
  const testMse: number[] = [];
  const digit = clean.subarray(0, MNIST_PIXELS);
  const noisyRow: Float32Array[] = [];
  const outRow: Float32Array[] = [];
  const frames: GreyImages[] = [];
  for (const [k, sigma] of sweep.entries()) {
    const z = noisyInputs(config, clean, sigma, seed + 100 + k);
    const out = await runChunked(model, z, n);
    testMse.push(mse(out, clean));
    noisyRow.push(z.subarray(0, MNIST_PIXELS));
    outRow.push(out.subarray(0, MNIST_PIXELS));
    frames.push(grey(rows(digit, z.subarray(0, MNIST_PIXELS), out.subarray(0, MNIST_PIXELS)), 3));
  }
  const atTraining = await runChunked(model, noisyInputs(config, clean, config.denoise.sigma, seed + 99), n);
  const file = path.join(ctx.dir, "ood-sigma-sweep.png");
  const grid = grey(rows(...noisyRow, ...outRow), 2 * sweep.length);
  writeFileSync(file, await gridPng(grid, { columns: sweep.length, scale: 4 }));
  ctx.artifact("oodSweep", file);
  const gif = runPaths(ctx.dir).trajectoryGif;
  writeFileSync(gif, trajectoryGif(frames, { columns: 3, scale: 4, frameMs: 600 }));
  ctx.artifact("trajectory", gif);
  return { sigmas: sweep, testMse, testMseAtTrainingSigma: mse(atTraining, clean) };
}

/** The classifier's top-1 accuracy on the whole test split, overall and per digit. */
export async function evaluateClassifier(ctx: EvaluationContext, model: LoadedModel): Promise<Evaluation> {
  const test = await ctx.test();
  return classifierAccuracy(await runChunked(model, test.images, test.count), test.labels);
}

/** Top-1 accuracy overall and per true digit. */
export function classifierAccuracy(logits: Float32Array, labels: Uint8Array) {
  const correct = new Array(10).fill(0);
  const total = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (logits[i * 10 + k]! > logits[i * 10 + best]!) best = k;
    const label = labels[i]!;
    total[label]++;
    if (best === label) correct[label]++;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    testAccuracy: sum(correct) / labels.length,
    perDigitAccuracy: correct.map((c, k) => (total[k] ? c / total[k] : 0)),
  };
}

/** The training split, loaded once per artist (only the pure-noise evaluation needs it). */
export function lazySplit(split: "train" | "test", preloaded?: MnistDataset, dataDir?: string) {
  let loaded: Promise<MnistDataset> | null = preloaded ? Promise.resolve(preloaded) : null;
  return () => {
    loaded ??= loadMnist(split, dataDir);
    return loaded;
  };
}
