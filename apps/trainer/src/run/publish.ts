import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readJson, writeJsonAtomic } from "./files.js";
import { runPaths } from "./layout.js";
import { type ModelCard, modelCardMarkdown } from "./model-card.js";

/** The files a published model folder holds (the folder is itself a minimal run directory: `evaluate` works on it). */
const PUBLISHED = ["config.json", "model.onnx", "loss.png", "evaluation.json"] as const;

/**
 * Copies a finished run's model and what documents it into `target` (e.g. `models/flow-class-d32`): the inference
 * ONNX, config, loss curve, evaluation, the last epoch's sample grid as `samples.png`, and the model card with its
 * artifact links rewritten for the folder. `notes` are added to the card. Returns the files written.
 */
export function publishRun(run: string, target: string, notes: readonly string[] = []): string[] {
  const from = runPaths(run);
  for (const file of [from.model, from.cardJson, from.config]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: only a finished run can be published`);
  }
  mkdirSync(target, { recursive: true });
  const written: string[] = [];
  for (const name of PUBLISHED) {
    const source = path.join(run, name);
    if (!existsSync(source)) continue;
    copyFileSync(source, path.join(target, name));
    written.push(name);
  }
  const grids = existsSync(from.grids)
    ? readdirSync(from.grids)
        .filter((n) => n.endsWith(".png"))
        .sort()
    : [];
  const lastGrid = grids.at(-1);
  if (lastGrid) {
    copyFileSync(path.join(from.grids, lastGrid), path.join(target, "samples.png"));
    written.push("samples.png");
  }
  // The evaluation names its classifier by a path relative to the run; make it relative to the folder instead.
  const relink = <T extends { classifier?: unknown }>(evaluation: T): T =>
    typeof evaluation.classifier === "string" && !path.isAbsolute(evaluation.classifier)
      ? { ...evaluation, classifier: path.relative(target, path.resolve(run, evaluation.classifier)) }
      : evaluation;
  if (written.includes("evaluation.json")) {
    const file = path.join(target, "evaluation.json");
    writeJsonAtomic(file, relink(readJson<{ classifier?: unknown }>(file)));
  }
  const card = readJson<ModelCard>(from.cardJson);
  const artifacts: Record<string, string> = {};
  for (const [label, name] of [
    ["model", "model.onnx"],
    ["lossCurve", "loss.png"],
    ["finalGrid", "samples.png"],
    ["evaluation", "evaluation.json"],
  ] as const) {
    if (written.includes(name)) artifacts[label] = name;
  }
  const published: ModelCard = {
    ...card,
    evaluation: relink(card.evaluation),
    artifacts,
    notes: [...card.notes, ...notes],
  };
  const to = runPaths(target);
  writeJsonAtomic(to.cardJson, published);
  writeFileSync(to.cardMarkdown, modelCardMarkdown(published));
  return [...written, "model-card.json", "model-card.md"];
}
