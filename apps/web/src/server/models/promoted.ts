import "server-only";
import type { DataDir } from "../data-dir";
import type { Database } from "../db/client";
import type { RegisteredModel } from "./registry";

/**
 * Models promoted from finished training runs. Reading their model cards needs the trainer's export format, which
 * has not landed yet, so this source lists nothing for now.
 */
export function promotedModelsSource(db: Database, dataDir: DataDir): () => Promise<RegisteredModel[]> {
  void db;
  void dataDir;
  return async () => [];
}
