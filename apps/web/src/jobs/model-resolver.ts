import fs from "node:fs/promises";
import path from "node:path";
import type { ArtifactStore } from "./store.ts";
import { trainerApi } from "./trainer-api.ts";

/**
 * Finds a model a job names on this host: embedded models in this checkout, promoted ones in the store (a local
 * copy on hosts that share only the database), configured paths as they are.
 */
export function modelResolver(store: ArtifactStore) {
  return {
    async resolve(ref: string): Promise<string> {
      const [kind, ...rest] = ref.split(":");
      const value = rest.join(":");
      if (kind === "embedded") {
        const { embeddedModels } = await trainerApi();
        const model = embeddedModels().find((m) => m.id === value);
        if (!model) throw new Error(`model: embedded model '${value}' is not in this worker's checkout`);
        return model.onnx;
      }
      if (kind === "store") {
        // The store's models folder, synced to this host (only what changed is fetched).
        const file = path.join(await store.localDir(path.posix.dirname(value)), path.posix.basename(value));
        await fs.access(file).catch(() => {
          throw new Error(`model: '${value}' is not in the store`);
        });
        return file;
      }
      if (kind === "path") {
        await fs.access(value).catch(() => {
          throw new Error(`model: ${value} does not exist on this worker (configure the same path on every host)`);
        });
        return value;
      }
      throw new Error(`model: unknown reference '${ref}'`);
    },
  };
}
