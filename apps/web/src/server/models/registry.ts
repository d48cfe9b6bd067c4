import "server-only";
import type { ModelInfo, ModelProblem } from "@/shared/models";

/** How the worker opens a model: one exported CS180 UNet file, or a DeepFloyd IF export directory. */
export type ModelFormat = "cs180-onnx" | "deepfloyd-if";

/**
 * A model the portal can run: what the UI sees plus where the worker finds it. The embedded defaults come from
 * the trainer, promoted runs from the database, configured ones from MODELS_DIR and DEEPFLOYD_DIR.
 */
export interface RegisteredModel {
  readonly info: ModelInfo;
  readonly format: ModelFormat;
  /** Absolute path on this host: the ONNX file (its model card is in the metadata) or the export directory. */
  readonly file: string;
  /** Where a worker on any host finds it (`embedded:<id>`, `store:models/<id>.onnx` or `path:<file>`). */
  readonly ref: string;
}

export interface ModelRegistry {
  list(): Promise<RegisteredModel[]>;
  get(id: string): Promise<RegisteredModel | undefined>;
  /** Configured sources that could not be offered, with what is wrong. */
  problems(): Promise<ModelProblem[]>;
}

/** A source of models that may also report why it offers none (a broken configuration). */
export interface ModelSource {
  list(): Promise<RegisteredModel[]>;
  problems?(): Promise<ModelProblem[]>;
}

/**
 * Combines several model sources; the first source that knows an id wins. The first model listed is the default
 * (pickers start on it) and says so (`info.isDefault`).
 */
export function combineRegistries(
  sources: readonly (ModelSource | (() => Promise<RegisteredModel[]>))[],
): ModelRegistry {
  const all: ModelSource[] = sources.map((s) => (typeof s === "function" ? { list: s } : s));
  const list = async () => markDefault((await Promise.all(all.map((s) => s.list()))).flat());
  return {
    list,
    async get(id) {
      return (await list()).find((m) => m.info.id === id);
    },
    async problems() {
      return (await Promise.all(all.map((s) => s.problems?.() ?? []))).flat();
    },
  };
}

function markDefault(models: RegisteredModel[]): RegisteredModel[] {
  return models.map((m, k) => (k === 0 ? { ...m, info: { ...m.info, isDefault: true } } : m));
}
