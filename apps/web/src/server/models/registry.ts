import "server-only";
import type { ModelInfo } from "@/shared/models";

/**
 * A model the portal can run: what the UI sees plus where the worker finds it. The embedded defaults come from
 * @diffusion-studio/models / the trainer once they ship; promoted runs are added from the database.
 */
export interface RegisteredModel {
  readonly info: ModelInfo;
  /** Absolute path of the exported ONNX file (its model card is in the metadata), handed to the worker. */
  readonly file: string;
}

export interface ModelRegistry {
  list(): Promise<RegisteredModel[]>;
  get(id: string): Promise<RegisteredModel | undefined>;
}

/** Combines several model sources; the first source that knows an id wins. */
export function combineRegistries(sources: readonly (() => Promise<RegisteredModel[]>)[]): ModelRegistry {
  const list = async () => (await Promise.all(sources.map((s) => s()))).flat();
  return {
    list,
    async get(id) {
      return (await list()).find((m) => m.info.id === id);
    },
  };
}
