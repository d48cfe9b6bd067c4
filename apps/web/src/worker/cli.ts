/**
 * `pnpm worker`: one worker process on this host that takes generation and training jobs from the team's PostgreSQL
 * (DATABASE_URL) and runs them in executor processes. Needs no Next.js build: `tsc -p tsconfig.worker.json` compiles it.
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { openDatabase } from "../db/client.ts";
import { startBoss } from "../jobs/boss.ts";
import { DatabaseStore } from "../jobs/database-store.ts";
import { checkDevice } from "../jobs/device.ts";
import { DirectoryStore } from "../jobs/directory-store.ts";
import { JobEventLog } from "../jobs/events.ts";
import { WorkerHost } from "../jobs/host.ts";

const count = (name: string, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name}: a whole number between 0 and ${max}` })
    .int(`${name}: a whole number between 0 and ${max}`)
    .min(0, `${name}: a whole number between 0 and ${max}`)
    .max(max, `${name}: a whole number between 0 and ${max}`)
    .default(fallback);

const envSchema = z.object({
  DATABASE_URL: z.string({ error: "DATABASE_URL: required (postgres://user:pass@host:5432/db of the team's portal)" }),
  WORKER_NAME: z.string().min(1).max(100).default(`${os.hostname()}-${process.pid}`),
  WORKER_DEVICE: z.enum(["cpu", "cuda"], { error: "WORKER_DEVICE: cpu or cuda" }).default("cpu"),
  WORKER_GENERATIONS: count("WORKER_GENERATIONS", 16, 1),
  WORKER_TRAININGS: count("WORKER_TRAININGS", 8, 1),
  INFERENCE_THREADS: count("INFERENCE_THREADS", 256, 0),
  TRAINING_MAX_MEMORY_MB: z.coerce
    .number()
    .int()
    .min(256)
    .default(Math.floor((os.totalmem() / 2 ** 20) * 0.8)),
  /** Scratch space and caches of this worker. */
  WORKER_DATA_DIR: z.string().default(".data/worker"),
  /** `directory` when every host mounts the portal's data directory at DATA_DIR; else the database is the store. */
  ARTIFACT_STORE: z.enum(["directory", "database"]).default("database"),
  DATA_DIR: z.string().default(".data"),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`worker: ${issue.message}`);
    process.exit(2);
  }
  const env = parsed.data;
  if (env.WORKER_GENERATIONS + env.WORKER_TRAININGS === 0) {
    console.error("worker: WORKER_GENERATIONS and WORKER_TRAININGS are both 0; it would take no jobs");
    process.exit(2);
  }
  const device = await checkDevice(env.WORKER_DEVICE);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const workDir = path.resolve(env.WORKER_DATA_DIR);
  const database = await openDatabase({ dataDir: workDir, databaseUrl: env.DATABASE_URL, migrate: false }).catch(
    (err: Error) => {
      throw new Error(
        `cannot use the database at DATABASE_URL (${err.message}); is the portal's PostgreSQL reachable?`,
      );
    },
  );
  const boss = await startBoss(database, { instanceName: env.WORKER_NAME, supervise: true });
  const events = new JobEventLog(database.db);
  const store =
    env.ARTIFACT_STORE === "directory"
      ? new DirectoryStore(path.resolve(env.DATA_DIR))
      : new DatabaseStore(database.db, path.join(workDir, "store-cache"));
  const slots = env.WORKER_GENERATIONS + env.WORKER_TRAININGS;
  const host = new WorkerHost(
    { db: database.db, boss, events, store },
    {
      name: env.WORKER_NAME,
      device: device.device,
      generations: env.WORKER_GENERATIONS,
      trainings: env.WORKER_TRAININGS,
      threads: env.INFERENCE_THREADS || Math.max(1, Math.floor(os.availableParallelism() / slots)),
      trainingMemoryMb: env.TRAINING_MAX_MEMORY_MB,
      workDir,
      generationScript: path.join(here, "main.js"),
      trainingScript: path.join(here, "train-main.js"),
    },
  );
  await host.start();
  console.log(
    `worker ${env.WORKER_NAME}: ${device.description}; ${env.WORKER_GENERATIONS} generation(s) and ${env.WORKER_TRAININGS} training run(s) at once`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`worker ${env.WORKER_NAME}: ${signal}, finishing (a running training run saves a checkpoint)…`);
    await host.stop();
    await boss.stop({ graceful: true, timeout: 30_000 });
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`worker: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
