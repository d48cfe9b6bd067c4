import fs from "node:fs";
import path from "node:path";
import type { ExperimentConfig } from "../config/schema.js";
import type { ModelCard } from "../run/model-card.js";
import { modelKindOf } from "../train/objectives.js";
import { embeddedModels, embeddedModelsDir } from "./embedded.js";

/** How long a run should take, and the measured run that says so. */
export interface RunTimeEstimate {
  readonly seconds: number;
  /** Training images per second of the measured run. */
  readonly imagesPerSecond: number;
  /** The measured run: "flow-class-d64 (flow-class, D=64, batch 64): 9,370 steps in 88 min". */
  readonly basis: string;
}

interface MeasuredRun {
  readonly id: string;
  readonly card: ModelCard;
  readonly imagesPerSecond: number;
}

/**
 * A run's wall time from the training speed the committed models measured (their cards' steps × batch ÷ wall
 * time, on this project's 2-core machines), from the closest committed runs at this width: of the same experiment,
 * else of the same network (model kind: what a step costs), else of the same objective; the slowest of them, so the
 * estimate errs long. Undefined when no committed model was trained at this width.
 */
export function estimateRunSeconds(
  config: ExperimentConfig,
  steps: number,
  dir: string = embeddedModelsDir,
): RunTimeEstimate | undefined {
  const runs = measuredRuns(dir).filter((r) => r.card.hidden === config.hidden);
  const tiers = [
    runs.filter((r) => r.card.experiment === config.experiment),
    runs.filter((r) => r.card.modelKind === modelKindOf(config)),
    runs.filter((r) => r.card.config.objective === config.objective),
  ];
  const candidates = tiers.find((tier) => tier.length > 0) ?? [];
  const slowest = candidates.sort((a, b) => a.imagesPerSecond - b.imagesPerSecond)[0];
  if (!slowest) return undefined;
  const t = slowest.card.training;
  return {
    seconds: (steps * config.batch) / slowest.imagesPerSecond,
    imagesPerSecond: slowest.imagesPerSecond,
    basis:
      `${slowest.id} (${slowest.card.experiment}, D=${slowest.card.hidden}, batch ${t.batch}): ` +
      `${t.steps.toLocaleString("en-US")} steps in ${Math.round(t.wallTime / 60)} min`,
  };
}

/** The committed models whose cards record a training run's steps, batch and wall time. */
function measuredRuns(dir: string): MeasuredRun[] {
  const runs: MeasuredRun[] = [];
  for (const model of embeddedModels(dir)) {
    let card: ModelCard;
    try {
      card = JSON.parse(fs.readFileSync(path.join(dir, model.id, "model-card.json"), "utf8")) as ModelCard;
    } catch {
      continue;
    }
    const t = card.training;
    if (!(t?.steps > 0 && t.batch > 0 && t.wallTime > 0)) continue;
    runs.push({ id: model.id, card, imagesPerSecond: (t.steps * t.batch) / t.wallTime });
  }
  return runs;
}
