import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadMnist, MNIST_CLASSES, MNIST_PIXELS, type MnistDataset } from "../data/mnist.js";
import { deriveSeed, Stream } from "../data/random.js";
import { appendJsonLine, readJson, writeFileAtomic, writeJsonAtomic } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { type ModelCard, modelCardMarkdown } from "../run/model-card.js";
import { readRunConfig } from "../run/run-dir.js";
import { generate, samplerFor } from "../sample/generate.js";
import { denoiserOf, type LoadedModel, loadModel } from "../train/models-engine.js";
import { modelKindOf } from "../train/objectives.js";
import { fitGaussian, frechetDistance } from "./frechet.js";

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

export interface GeneratorEvaluation {
  readonly samples: number;
  /** Fréchet distance between the classifier's logits on generated digits and on the 10,000 test digits. */
  readonly mnistFid: number;
  /** The same distance between two halves of the test set: the floor that sampling noise alone gives. */
  readonly mnistFidTestHalves: number;
  readonly classifierTestAccuracy: number;
  /** For class-conditioned models: how often the classifier reads the digit that was asked for, and per digit. */
  readonly sampleAccuracy?: number;
  readonly perDigitSampleAccuracy?: readonly number[];
  /** Histogram of the classifier's readings of the generated digits. */
  readonly predictedDigitCounts: readonly number[];
}

function argmax(logits: Float32Array, row: number): number {
  let best = 0;
  for (let k = 1; k < MNIST_CLASSES; k++) {
    if (logits[row * MNIST_CLASSES + k] > logits[row * MNIST_CLASSES + best]) best = k;
  }
  return best;
}

async function classify(model: LoadedModel, images: Float32Array, count: number): Promise<Float32Array> {
  const out = new Float32Array(count * MNIST_CLASSES);
  for (let start = 0; start < count; start += 500) {
    const n = Math.min(500, count - start);
    out.set(await model.run({ x: images.subarray(start * MNIST_PIXELS, (start + n) * MNIST_PIXELS) }), start * 10);
  }
  return out;
}

/**
 * Evaluates a trained generator with a trained classifier: per-digit accuracy of class-conditioned samples (γ from the
 * run's config) and "MNIST-FID", the Fréchet distance between classifier features of generated and test digits. The
 * classifier's 10 logits are the features (the engine's classifier exposes no wider layer). Results go into
 * evaluation.json, the model card and an `evaluation` event. Generated chunks are cached under `<run>/eval/`.
 */
export async function evaluateGenerator(options: EvaluateOptions): Promise<GeneratorEvaluation> {
  const config = readRunConfig(options.run);
  if (config.objective !== "flow" && config.objective !== "ddpm") {
    throw new Error(`${options.run}: ${config.experiment} is not a generator (flow or ddpm); nothing to evaluate`);
  }
  const paths = runPaths(options.run);
  if (!existsSync(paths.model)) throw new Error(`${paths.model} is missing: the run has not finished`);
  const classifierFile = options.classifier.endsWith(".onnx") ? options.classifier : runPaths(options.classifier).model;
  const total = options.samples ?? 10000;
  const chunk = options.chunk ?? 250;
  if (!Number.isInteger(total) || total < 20) throw new RangeError(`samples must be an integer ≥ 20, got ${total}`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${chunk}`);

  const classifierBytes = new Uint8Array(readFileSync(classifierFile));
  const generatorBytes = new Uint8Array(readFileSync(paths.model));
  const classifier = await loadModel(classifierBytes, options.threads);
  const generator = await loadModel(generatorBytes, options.threads);
  try {
    if (classifier.card.kind !== "classifier")
      throw new Error(`${classifierFile} is a ${classifier.card.kind}, not a classifier`);
    const classes = modelKindOf(config).endsWith("class");
    const cfgScale = config.objective === "flow" ? config.flow.cfgScale : config.ddpm.cfgScale;
    // Keyed by both models' bytes: a retrained classifier or generator under the same file name must not reuse logits.
    const key = createHash("sha256").update(classifierBytes).update(generatorBytes).digest("hex").slice(0, 16);
    const cacheDir = path.join(options.run, "eval", `${key}-${total}-${chunk}`);
    mkdirSync(cacheDir, { recursive: true });

    const generated = new Float32Array(total * MNIST_CLASSES);
    const asked = new Int8Array(total).fill(-1);
    for (let start = 0, k = 0; start < total; start += chunk, k++) {
      const n = Math.min(chunk, total - start);
      // Digits cycle 0…9 over the whole evaluation, so every digit gets total/10 samples.
      const conditions = classes ? Array.from({ length: n }, (_, i) => ({ classLabel: (start + i) % 10 })) : null;
      for (let i = 0; conditions && i < n; i++) asked[start + i] = conditions[i].classLabel;
      const file = path.join(cacheDir, `chunk-${String(k).padStart(4, "0")}.f32`);
      let logits: Float32Array;
      if (existsSync(file)) logits = new Float32Array(new Uint8Array(readFileSync(file)).buffer);
      else {
        const { images } = await generate(denoiserOf(generator), samplerFor(config), {
          conditions: conditions ?? Array.from({ length: n }, () => null),
          cfgScale,
          seed: deriveSeed(config.seed, Stream.evaluation, k),
        });
        logits = await classify(classifier, images.data, n);
        writeFileAtomic(file, new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength));
      }
      generated.set(logits, start * MNIST_CLASSES);
      options.onProgress?.(start + n, total);
    }

    const test = options.testSet ?? (await loadMnist("test"));
    const testLogits = await classify(classifier, test.images, test.count);
    let testCorrect = 0;
    for (let i = 0; i < test.count; i++) if (argmax(testLogits, i) === test.labels[i]) testCorrect++;
    const half = Math.floor(test.count / 2);
    const testGaussian = fitGaussian(testLogits, test.count, MNIST_CLASSES);
    const predictedDigitCounts: number[] = new Array(10).fill(0);
    const correct: number[] = new Array(10).fill(0);
    const askedCount: number[] = new Array(10).fill(0);
    for (let i = 0; i < total; i++) {
      const read = argmax(generated, i);
      predictedDigitCounts[read]++;
      if (asked[i] >= 0) {
        askedCount[asked[i]]++;
        if (read === asked[i]) correct[asked[i]]++;
      }
    }
    const result: GeneratorEvaluation = {
      samples: total,
      mnistFid: frechetDistance(fitGaussian(generated, total, MNIST_CLASSES), testGaussian),
      mnistFidTestHalves: frechetDistance(
        fitGaussian(testLogits.subarray(0, half * 10), half, MNIST_CLASSES),
        fitGaussian(testLogits.subarray(half * 10), test.count - half, MNIST_CLASSES),
      ),
      classifierTestAccuracy: testCorrect / test.count,
      predictedDigitCounts,
      ...(classes
        ? {
            sampleAccuracy: correct.reduce((a, b) => a + b, 0) / total,
            perDigitSampleAccuracy: correct.map((c, d) => (askedCount[d] ? c / askedCount[d] : 0)),
          }
        : {}),
    };
    recordEvaluation(
      options.run,
      result as unknown as Record<string, number | number[]>,
      path.relative(options.run, classifierFile),
    );
    return result;
  } finally {
    await classifier.dispose();
    await generator.dispose();
  }
}

/** Merges metrics into evaluation.json and the model card, and appends an `evaluation` event. */
function recordEvaluation(dir: string, metrics: Record<string, number | number[]>, classifier: string): void {
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
