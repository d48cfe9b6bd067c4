import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadEnv } from "@/env";
import { createServices, type Services } from "@/server/services";

/** Real services (PGlite in a temp data directory, pg-boss on it) with a stand-in generation executor. */
export async function testServices(
  extra: Record<string, string> = {},
): Promise<Services & { dispose(): Promise<void> }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-test-"));
  const env = loadEnv({
    DATA_DIR: dataDir,
    WORKER_SCRIPT: path.resolve(import.meta.dirname, "../fixtures/echo-worker.mjs"),
    ...extra,
  });
  const services = await createServices(env);
  return {
    ...services,
    async dispose() {
      await services.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
