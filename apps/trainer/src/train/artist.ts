import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ImageBatch } from "@diffusion-studio/core";
import { trajectoryGif } from "../artifacts/gif.js";
import { type GreyImages, gridPng } from "../artifacts/grid.js";
import { lossCurve } from "../artifacts/loss-plot.js";
import type { DdpmConfig, DenoiserConfig, ExperimentConfig, FlowConfig } from "../config/schema.js";
import { MNIST_PIXELS, type MnistDataset } from "../data/mnist.js";
import { deriveSeed, Stream } from "../data/random.js";
import { writeJsonAtomic } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { readMetrics } from "../run/metrics.js";
import { digitConditions, generate, samplerFor } from "../sample/generate.js";
import { type RunFacts, trainerCard, writeModelCard } from "./card.js";
import {
  type Evaluation,
  type EvaluationContext,
  evaluateClassifier,
  evaluatePureNoise,
  evaluateSigmaSweep,
  grey,
  lazySplit,
  noisyInputs,
  rows,
} from "./evaluation.js";
import type { RunArtist } from "./loop.js";
import { denoiserOf, type LoadedModel, loadModel } from "./models-engine.js";
import { modelKindOf } from "./objectives.js";

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

/** Grids, evaluation and final files for every experiment kind, drawn with the engine's inference models. */
export function createArtist(options: ArtistOptions = {}): RunArtist {
  const test = lazySplit("test", options.testSet, options.dataDir);
  const train = lazySplit("train", options.trainSet, options.dataDir);
  const sampleSeed = (config: ExperimentConfig) => deriveSeed(config.seed, Stream.samples);
  const withModel = async <T>(onnx: Uint8Array, use: (m: LoadedModel) => Promise<T>) => {
    const model = await loadModel(onnx, options.threads);
    try {
      return await use(model);
    } finally {
      await model.dispose();
    }
  };

  /** Samples of a generator (the same noise every epoch, so grids compare across epochs). */
  function generatorSamples(config: FlowConfig | DdpmConfig, model: LoadedModel, keepFrames = 0) {
    const count = config.samples.count;
    const cfgScale = config.objective === "flow" ? config.flow.cfgScale : config.ddpm.cfgScale;
    return generate(denoiserOf(model), samplerFor(config), {
      conditions: modelKindOf(config).endsWith("class")
        ? digitConditions(count)
        : Array.from({ length: count }, () => null),
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

  /** A generator's trajectory GIF: one sampling run, noise → digits. */
  async function trajectory(ctx: EvaluationContext, config: FlowConfig | DdpmConfig, model: LoadedModel) {
    const { frames } = await generatorSamples(config, model, options.gifFrames ?? 16);
    const gif = trajectoryGif(frames.map(toGrey), {
      columns: config.samples.columns,
      scale: Math.min(config.samples.scale, 2),
      frameMs: 120,
    });
    writeFileSync(runPaths(ctx.dir).trajectoryGif, gif);
    ctx.artifact("trajectory", runPaths(ctx.dir).trajectoryGif);
  }

  /** What the objective calls for at the end of a run; notes go into the card. */
  async function evaluate(ctx: EvaluationContext, config: ExperimentConfig, model: LoadedModel, notes: string[]) {
    switch (config.objective) {
      case "flow":
      case "ddpm":
        await trajectory(ctx, config, model);
        return {};
      case "denoise":
        if (!config.denoise.pureNoise) return evaluateSigmaSweep(ctx, config, model);
        notes.push("Trained on pure noise: the MSE-optimal output is the training-set mean image (spec §4.2).");
        return evaluatePureNoise(ctx, config, model);
      case "classify":
        return evaluateClassifier(ctx, model);
    }
  }

  return {
    async epochGrid({ config, model, file }) {
      if (config.objective === "classify") return false;
      const images = await withModel(model, async (m) =>
        config.objective === "denoise" ? denoiserGrid(config, m) : toGrey((await generatorSamples(config, m)).images),
      );
      // The denoiser's grid has one row per kind (clean, noisy, denoised), so its width is the sample count.
      const columns = config.objective === "denoise" ? config.samples.count : config.samples.columns;
      writeFileSync(file, await gridPng(images, { columns, scale: config.samples.scale }));
      return true;
    },

    async finish({ dir, config, model, emit, ...facts }) {
      const artifacts: Record<string, string> = {};
      const ctx: EvaluationContext = {
        dir,
        test,
        train,
        sampleSeed,
        artifact: (key, file) => {
          artifacts[key] = path.relative(dir, file);
        },
      };
      await writeTrainingArtifacts(ctx, config, model);
      const notes: string[] = [];
      const evaluation: Evaluation = await withModel(model, (m) => evaluate(ctx, config, m, notes));
      if (Object.keys(evaluation).length > 0) {
        writeJsonAtomic(runPaths(dir).evaluation, evaluation);
        ctx.artifact("evaluation", runPaths(dir).evaluation);
        emit({ type: "evaluation", time: new Date().toISOString(), metrics: evaluation });
      }
      const card = trainerCard(dir, config, { ...(facts satisfies RunFacts), evaluation, artifacts, notes });
      ctx.artifact("modelCard", writeModelCard(dir, card));
      return Object.values(artifacts);
    },
  };
}

/** The exported model, the loss curve and (for generators and the denoiser) the last epoch's grid. */
async function writeTrainingArtifacts(ctx: EvaluationContext, config: ExperimentConfig, model: Uint8Array) {
  const paths = runPaths(ctx.dir);
  writeFileSync(paths.model, model);
  ctx.artifact("model", paths.model);
  const { svg, png } = await lossCurve(readMetrics(paths.metrics), { title: `${config.experiment}: training loss` });
  writeFileSync(paths.lossSvg, svg);
  writeFileSync(paths.lossPng, png);
  ctx.artifact("lossCurve", paths.lossPng);
  if (config.objective !== "classify") ctx.artifact("finalGrid", paths.grid(config.epochs));
}
