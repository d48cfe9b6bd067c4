import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readJson, writeJsonAtomic } from "./files.js";
import { runPaths } from "./layout.js";
import { type ModelCard, modelCardMarkdown } from "./model-card.js";

/**
 * Copies a finished run's model and what documents it into `target` (e.g. `models/flow-class-d32`): the config and
 * every artifact of the model card that sits at the run's top level (inference ONNX, loss curve, evaluation, σ sweep,
 * trajectory GIF, …), the last epoch's sample grid as `samples.png`, and the model card with its links rewritten for
 * the folder. The folder is itself a minimal run directory, so `evaluate` works on it. `notes` are added to the card.
 * Returns the files written.
 */
export function publishRun(run: string, target: string, notes: readonly string[] = []): string[] {
  const from = runPaths(run);
  for (const file of [from.model, from.cardJson, from.config]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: only a finished run can be published`);
  }
  const card = readJson<ModelCard>(from.cardJson);
  mkdirSync(target, { recursive: true });
  const written: string[] = [];
  const artifacts: Record<string, string> = {};
  const copy = (relative: string, name = relative) => {
    copyFileSync(path.join(run, relative), path.join(target, name));
    written.push(name);
    return name;
  };
  copy("config.json");
  for (const [label, relative] of Object.entries(card.artifacts)) {
    const topLevel = path.basename(relative) === relative;
    if (topLevel && relative !== "model-card.md" && existsSync(path.join(run, relative))) {
      artifacts[label] = copy(relative);
    }
  }
  const grids = existsSync(from.grids)
    ? readdirSync(from.grids)
        .filter((n) => n.endsWith(".png"))
        .sort()
    : [];
  const lastGrid = grids.at(-1);
  if (lastGrid) artifacts.finalGrid = copy(path.join("grids", lastGrid), "samples.png");
  // The evaluation names its classifier by a path relative to the run; make it relative to the folder instead.
  const relink = <T extends { classifier?: unknown }>(evaluation: T): T =>
    typeof evaluation.classifier === "string" && !path.isAbsolute(evaluation.classifier)
      ? { ...evaluation, classifier: path.relative(target, path.resolve(run, evaluation.classifier)) }
      : evaluation;
  if (written.includes("evaluation.json")) {
    const file = path.join(target, "evaluation.json");
    writeJsonAtomic(file, relink(readJson<{ classifier?: unknown }>(file)));
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
