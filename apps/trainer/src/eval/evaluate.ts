import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Sampler } from "@diffusion-studio/core";
import type { DdpmConfig, FlowConfig } from "../config/schema.js";
import { loadMnist, MNIST_CLASSES, MNIST_PIXELS, type MnistDataset } from "../data/mnist.js";
import { deriveSeed, Stream } from "../data/random.js";
import { appendJsonLine, readJson, writeFileAtomic, writeJsonAtomic } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { type ModelCard, modelCardMarkdown } from "../run/model-card.js";
import { readRunConfig } from "../run/run-dir.js";
import { generate, samplerFor } from "../sample/generate.js";
import { denoiserOf, type LoadedModel, loadModel } from "../train/models-engine.js";
import { modelKindOf } from "../train/objectives.js";
import { fitGaussian, frechetDistance, type Gaussian } from "./frechet.js";
import type { GeneratorEvaluation, SampleScores } from "./results.js";

export type { GeneratorEvaluation, SampleScores };

export interface EvaluateOptions {
  /** The generator's run directory (must hold model.onnx). */
  readonly run: string;
  /** The classifier: its model.onnx, or its run directory. */
  readonly classifier: string;
  /** Generated digits for the Fréchet distance and the per-digit accuracy (the spec asks for 10,000). */
  readonly samples?: number;
  /** Digits generated per cached chunk: an interrupted evaluation resumes at the first missing chunk. */
  readonly chunk?: number;
  readonly threads?: number;
  readonly testSet?: MnistDataset;
  readonly onProgress?: (done: number, total: number) => void;
}

function argmax(logits: Float32Array, row: number): number {
  let best = 0;
  for (let k = 1; k < MNIST_CLASSES; k++) {
    if (logits[row * MNIST_CLASSES + k]! > logits[row * MNIST_CLASSES + best]!) best = k;
  }
  return best;
}

/** What the classifier says about images: logits (10 per image) and the features MNIST-FID compares (dim per image). */
interface Readings {
  readonly logits: Float32Array;
  readonly features: Float32Array;
  readonly dim: number;
}

/** Feature width of a classifier: its penultimate layer when the export has one, else its logits (older exports). */
const featureDim = (model: LoadedModel) => model.card.featureSize ?? MNIST_CLASSES;

async function classify(model: LoadedModel, images: Float32Array, count: number): Promise<Readings> {
  const dim = featureDim(model);
  const logits = new Float32Array(count * MNIST_CLASSES);
  const features = new Float32Array(count * dim);
  for (let start = 0; start < count; start += 500) {
    const n = Math.min(500, count - start);
    const x = images.subarray(start * MNIST_PIXELS, (start + n) * MNIST_PIXELS);
    const out = model.card.featureSize ? await model.runWithFeatures({ x }) : { y: await model.run({ x }) };
    logits.set(out.y, start * MNIST_CLASSES);
    features.set("features" in out ? out.features : out.y, start * dim);
  }
  return { logits, features, dim };
}

/** Rows 0, 2, 4, … and rows 1, 3, 5, … of a [count, dim] matrix. */
function interleavedHalves(rows: Float32Array, count: number, dim: number): [Float32Array, Float32Array] {
  const even = new Float32Array(Math.ceil(count / 2) * dim);
  const odd = new Float32Array(Math.floor(count / 2) * dim);
  for (let i = 0; i < count; i++) {
    (i % 2 === 0 ? even : odd).set(rows.subarray(i * dim, (i + 1) * dim), Math.floor(i / 2) * dim);
  }
  return [even, odd];
}

/** A chunk's readings as one file: the logits, then the features. */
function saveReadings(file: string, r: Readings): void {
  const all = new Float32Array(r.logits.length + r.features.length);
  all.set(r.logits);
  all.set(r.features, r.logits.length);
  writeFileAtomic(file, new Uint8Array(all.buffer));
}

function loadReadings(file: string, count: number, dim: number): Readings {
  const all = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
  if (all.length !== count * (MNIST_CLASSES + dim)) throw new Error(`${file}: unexpected size; delete it to redo it`);
  return { logits: all.subarray(0, count * MNIST_CLASSES), features: all.subarray(count * MNIST_CLASSES), dim };
}

/** What scoring any sampler on a generator needs, loaded once: both models, the test set's readings, the cache key. */
export interface EvaluationContext {
  readonly run: string;
  readonly config: FlowConfig | DdpmConfig;
  readonly generator: LoadedModel;
  readonly classifier: LoadedModel;
  readonly classifierFile: string;
  /** Where chunk caches live: `<run>/eval/<models' hash>-<chunk>`. */
  readonly cacheDir: string;
  readonly chunk: number;
  readonly classes: boolean;
  /** The run's CFG γ. */
  readonly cfgScale: number;
  readonly dim: number;
  readonly test: { readonly gaussian: Gaussian; readonly halvesFid: number; readonly accuracy: number };
  dispose(): Promise<void>;
}

/** Loads the generator run's model and the classifier, and reads the test set once. */
export async function openEvaluation(options: EvaluateOptions): Promise<EvaluationContext> {
  const config = readRunConfig(options.run);
  if (config.objective !== "flow" && config.objective !== "ddpm") {
    throw new Error(`${options.run}: ${config.experiment} is not a generator (flow or ddpm); nothing to evaluate`);
  }
  const paths = runPaths(options.run);
  if (!existsSync(paths.model)) throw new Error(`${paths.model} is missing: the run has not finished`);
  const classifierFile = options.classifier.endsWith(".onnx") ? options.classifier : runPaths(options.classifier).model;
  const chunk = options.chunk ?? 250;
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${chunk}`);

  const classifierBytes = new Uint8Array(readFileSync(classifierFile));
  const generatorBytes = new Uint8Array(readFileSync(paths.model));
  const classifier = await loadModel(classifierBytes, options.threads);
  const generator = await loadModel(generatorBytes, options.threads);
  const dispose = async () => {
    await classifier.dispose();
    await generator.dispose();
  };
  try {
    if (classifier.card.kind !== "classifier")
      throw new Error(`${classifierFile} is a ${classifier.card.kind}, not a classifier`);
    // Keyed by both models' bytes: a retrained classifier or generator under the same file name must not reuse logits.
    const key = createHash("sha256").update(classifierBytes).update(generatorBytes).digest("hex").slice(0, 16);
    const dim = featureDim(classifier);
    const testSet = options.testSet ?? (await loadMnist("test"));
    const { logits, features } = await classify(classifier, testSet.images, testSet.count);
    let testCorrect = 0;
    for (let i = 0; i < testSet.count; i++) if (argmax(logits, i) === testSet.labels[i]) testCorrect++;
    // Interleaved halves: MNIST's first 5,000 test digits come from cleaner writers than the last 5,000, so a
    // first-half/second-half split would measure that difference instead of the sampling noise floor.
    const [evenHalf, oddHalf] = interleavedHalves(features, testSet.count, dim);
    return {
      run: options.run,
      config,
      generator,
      classifier,
      classifierFile,
      cacheDir: path.join(options.run, "eval", `${key}-${chunk}`),
      chunk,
      classes: modelKindOf(config).endsWith("class"),
      cfgScale: config.objective === "flow" ? config.flow.cfgScale : config.ddpm.cfgScale,
      dim,
      test: {
        gaussian: fitGaussian(features, testSet.count, dim),
        halvesFid: frechetDistance(
          fitGaussian(evenHalf, Math.ceil(testSet.count / 2), dim),
          fitGaussian(oddHalf, Math.floor(testSet.count / 2), dim),
        ),
        accuracy: testCorrect / testSet.count,
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** How one sampler's digits score: MNIST-FID, and for class-conditioned models how often each digit reads right. */
export interface ScoreRequest {
  readonly sampler: Sampler;
  readonly cfgScale: number;
  readonly samples: number;
  /** Sub-folder of the context's cache for this sampler and γ; none for the run's own sampler at its own γ. */
  readonly cell?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Generates `samples` digits with a sampler (chunk k always from the same seed, so every sampler and γ starts from
 * the same noise), classifies them and scores them. Chunks are cached: a re-run continues at the first missing one.
 */
export async function scoreSamples(ctx: EvaluationContext, request: ScoreRequest): Promise<SampleScores> {
  const total = request.samples;
  if (!Number.isInteger(total) || total < 20) throw new RangeError(`samples must be an integer ≥ 20, got ${total}`);
  const { chunk, dim } = ctx;
  // Chunk k is the same whatever the total (its seed and digits depend on k and the chunk size only), so a larger
  // evaluation reuses a smaller one's chunks; a short last chunk is named by its count.
  const cacheDir = request.cell ? path.join(ctx.cacheDir, request.cell) : ctx.cacheDir;
  mkdirSync(cacheDir, { recursive: true });
  const generated = new Float32Array(total * MNIST_CLASSES);
  const generatedFeatures = new Float32Array(total * dim);
  const asked = new Int8Array(total).fill(-1);
  for (let start = 0, k = 0; start < total; start += chunk, k++) {
    const n = Math.min(chunk, total - start);
    // Digits cycle 0…9 over the whole evaluation, so every digit gets total/10 samples.
    const conditions = ctx.classes ? Array.from({ length: n }, (_, i) => ({ classLabel: (start + i) % 10 })) : null;
    for (let i = 0; conditions && i < n; i++) asked[start + i] = conditions[i]!.classLabel;
    const file = path.join(cacheDir, `chunk-${String(k).padStart(4, "0")}${n < chunk ? `-${n}` : ""}.f32`);
    let readings: Readings;
    if (existsSync(file)) readings = loadReadings(file, n, dim);
    else {
      const { images } = await generate(denoiserOf(ctx.generator), request.sampler, {
        conditions: conditions ?? Array.from({ length: n }, () => null),
        cfgScale: request.cfgScale,
        seed: deriveSeed(ctx.config.seed, Stream.evaluation, k),
      });
      readings = await classify(ctx.classifier, images.data, n);
      saveReadings(file, readings);
    }
    generated.set(readings.logits, start * MNIST_CLASSES);
    generatedFeatures.set(readings.features, start * dim);
    request.onProgress?.(start + n, total);
  }

  const predictedDigitCounts: number[] = new Array(10).fill(0);
  const correct: number[] = new Array(10).fill(0);
  const askedCount: number[] = new Array(10).fill(0);
  for (let i = 0; i < total; i++) {
    const read = argmax(generated, i);
    predictedDigitCounts[read]!++;
    const digit = asked[i]!;
    if (digit >= 0) {
      askedCount[digit]!++;
      if (read === digit) correct[digit]!++;
    }
  }
  return {
    mnistFid: frechetDistance(fitGaussian(generatedFeatures, total, dim), ctx.test.gaussian),
    predictedDigitCounts,
    ...(ctx.classes
      ? {
          sampleAccuracy: correct.reduce((a, b) => a + b, 0) / total,
          perDigitSampleAccuracy: correct.map((c, d) => (askedCount[d] ? c / askedCount[d] : 0)),
        }
      : {}),
  };
}

/**
 * Evaluates a trained generator with a trained classifier: per-digit accuracy of class-conditioned samples (γ from the
 * run's config) and "MNIST-FID", the Fréchet distance between classifier features of generated and test digits. The
 * features are its 128-wide penultimate activations, as FID uses Inception's pool features. Results go into
 * evaluation.json, the model card and an `evaluation` event. Generated chunks are cached under `<run>/eval/`.
 */
export async function evaluateGenerator(options: EvaluateOptions): Promise<GeneratorEvaluation> {
  const ctx = await openEvaluation(options);
  try {
    const samples = options.samples ?? 10000;
    const scores = await scoreSamples(ctx, {
      sampler: samplerFor(ctx.config),
      cfgScale: ctx.cfgScale,
      samples,
      onProgress: options.onProgress,
    });
    const result: GeneratorEvaluation = {
      samples,
      mnistFid: scores.mnistFid,
      mnistFidTestHalves: ctx.test.halvesFid,
      fidFeatureSize: ctx.dim,
      classifierTestAccuracy: ctx.test.accuracy,
      predictedDigitCounts: scores.predictedDigitCounts,
      ...(scores.sampleAccuracy !== undefined
        ? { sampleAccuracy: scores.sampleAccuracy, perDigitSampleAccuracy: scores.perDigitSampleAccuracy }
        : {}),
    };
    recordEvaluation(
      options.run,
      result as unknown as Record<string, number | number[]>,
      path.relative(options.run, ctx.classifierFile),
    );
    return result;
  } finally {
    await ctx.dispose();
  }
}

/** Merges metrics into evaluation.json and the model card, and appends an `evaluation` event. */
export function recordEvaluation(dir: string, metrics: Record<string, number | number[]>, classifier: string): void {
  const paths = runPaths(dir);
  const previous = existsSync(paths.evaluation) ? readJson<Record<string, unknown>>(paths.evaluation) : {};
  writeJsonAtomic(paths.evaluation, { ...previous, ...metrics, classifier });
  if (existsSync(paths.cardJson)) {
    const card = readJson<ModelCard>(paths.cardJson);
    const updated: ModelCard = {
      ...card,
      evaluation: { ...card.evaluation, ...metrics, classifier },
      artifacts: { ...card.artifacts, evaluation: path.relative(dir, paths.evaluation) },
    };
    writeJsonAtomic(paths.cardJson, updated);
    writeFileSync(paths.cardMarkdown, modelCardMarkdown(updated));
  }
  appendJsonLine(paths.events, { type: "evaluation", time: new Date().toISOString(), metrics });
}
