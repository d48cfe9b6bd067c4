import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** A model trained by this package and committed under `models/<id>/` (ONNX with its card, model card, pictures). */
export interface EmbeddedModel {
  readonly id: string;
  /** Absolute path of the inference ONNX (its engine card is in the ONNX metadata). */
  readonly onnx: string;
  /** Absolute path of the run's model card (markdown), when present. */
  readonly modelCard?: string;
}

/** Where the committed models live: `models/` beside this package's `dist/`. */
export const embeddedModelsDir: string = fileURLToPath(new URL("../../models/", import.meta.url));

/** The committed default models, sorted by id; folders without a `model.onnx` are skipped. */
export function embeddedModels(dir: string = embeddedModelsDir): EmbeddedModel[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const models: EmbeddedModel[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const onnx = path.join(dir, entry.name, "model.onnx");
    if (!fs.existsSync(onnx)) continue;
    const card = path.join(dir, entry.name, "model-card.md");
    models.push({ id: entry.name, onnx, ...(fs.existsSync(card) ? { modelCard: card } : {}) });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
