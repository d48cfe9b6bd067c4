import "server-only";
import os from "node:os";
import path from "node:path";
import type { PgBoss } from "pg-boss";
import { type OpenedDatabase, openDatabase } from "@/db/client";
import { type Env, loadEnv } from "@/env";
import { startBoss } from "@/jobs/boss";
import { DatabaseStore } from "@/jobs/database-store";
import { DirectoryStore } from "@/jobs/directory-store";
import { JobEventLog } from "@/jobs/events";
import { WorkerHost } from "@/jobs/host";
import type { ArtifactStore } from "@/jobs/store";
import { type DataDir, prepareDataDir } from "./data-dir";
import { Generations } from "./generations";
import { Grids } from "./grids";
import { deepFloydSource } from "./models/deepfloyd";
import { onnxDirectorySource, onnxFilesSource } from "./models/onnx-directory";
import { combineRegistries, type ModelRegistry, type RegisteredModel } from "./models/registry";
import { trainer } from "./trainer";
import { Training } from "./training";
import { Workers } from "./workers";

/** Everything the API needs, created once per server process. */
export interface Services {
  readonly env: Env;
  readonly dataDir: DataDir;
  readonly database: OpenedDatabase;
  readonly boss: PgBoss;
  readonly events: JobEventLog;
  readonly store: ArtifactStore;
  readonly models: ModelRegistry;
  readonly generations: Generations;
  readonly grids: Grids;
  readonly training: Training;
  readonly workers: Workers;
  /** This process's own worker host (the embedded default); absent with WORKERS=0. */
  readonly host?: WorkerHost;
  close(): Promise<void>;
}

export async function createServices(env: Env = loadEnv()): Promise<Services> {
  if (env.exposed && !env.TEAM_TOKEN) {
    // Refuse to serve an exposed portal that anyone could use to run jobs.
    throw new Error(`HOST is ${env.HOST}, which is reachable from other machines: set TEAM_TOKEN (16+ characters)`);
  }
  const dataDir = await prepareDataDir(env.dataDir);
  const database = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.DATABASE_URL });
  const boss = await startBoss(database, { instanceName: `portal@${os.hostname()}`, supervise: true });
  const events = new JobEventLog(database.db);
  await events.listen(database.listen);
  // One host: the data directory is the store. Hosts that share only PostgreSQL: the database is.
  const store: ArtifactStore =
    database.kind === "postgres" && env.ARTIFACT_STORE !== "directory"
      ? new DatabaseStore(database.db, path.join(dataDir.root, "store-cache"))
      : new DirectoryStore(dataDir.root);
  const models = combineRegistries([
    // A team that points the portal at DeepFloyd IF wants it as the default choice, so it comes first.
    ...(env.DEEPFLOYD_DIR ? [deepFloydSource(env.DEEPFLOYD_DIR)] : []),
    ...(env.EMBEDDED_MODELS ? [embeddedSource()] : []),
    ...(env.MODELS_DIR ? [onnxDirectorySource(env.MODELS_DIR, "configured")] : []),
    promotedSource(store),
  ]);
  // Reads the configured sources once now, so a broken DEEPFLOYD_DIR is logged at start-up (it is not fatal).
  await models.problems();

  const host =
    env.WORKERS > 0
      ? new WorkerHost(
          { db: database.db, boss, events, store },
          {
            name: env.WORKER_NAME ?? `portal@${os.hostname()}`,
            device: env.WORKER_DEVICE,
            generations: env.WORKERS,
            trainings: env.WORKER_TRAININGS,
            threads: env.inferenceThreads,
            trainingMemoryMb: env.TRAINING_MAX_MEMORY_MB,
            workDir: path.join(dataDir.root, "worker"),
            generationScript: env.workerScript,
            trainingScript: path.join(path.dirname(env.workerScript), "train-main.js"),
          },
        )
      : undefined;
  const generations = new Generations(database.db, boss, events, store, models, dataDir, {
    device: env.JOB_DEVICE,
    maxEvaluations: env.GENERATION_MAX_EVALS,
    maxWaiting: env.QUEUE_LIMIT,
    onEnqueued: () => host?.wake("generate"),
  });
  const training = new Training(database.db, boss, events, store, {
    device: env.JOB_DEVICE,
    maxMemoryMb: env.TRAINING_MAX_MEMORY_MB,
    onEnqueued: () => host?.wake("train"),
  });
  const grids = new Grids(database.db, generations, { maxEvaluations: env.GENERATION_MAX_EVALS });
  await generations.adoptLegacyRows();
  await host?.start();
  const workers = new Workers(boss, database.db, {
    generation: (id) => generations.requeue(id),
    run: (id) => training.resume(id),
  });
  return {
    env,
    dataDir,
    database,
    boss,
    events,
    store,
    models,
    generations,
    grids,
    training,
    workers,
    host,
    close: async () => {
      await host?.stop();
      await events.close();
      await boss.stop({ graceful: true, timeout: 10_000 });
      await database.close();
    },
  };
}

/**
 * The trainer's committed default models (`apps/trainer/models/<id>/model.onnx`), available with no set-up. The most
 * capable comes first, as pickers default to the first model: class-conditioned before unconditional, flow before DDPM,
 * then the wider network.
 */
function embeddedSource() {
  const source = onnxFilesSource(async () => {
    const { embeddedModels } = await trainer();
    return embeddedModels().map((m) => ({ id: m.id, file: m.onnx }));
  }, "embedded");
  const rank = ({ info }: RegisteredModel) =>
    (info.conditioning.type === "none" ? 2 : 0) + (info.samplers.some((s) => s.name === "flow-euler") ? 0 : 1);
  const width = ({ info }: RegisteredModel) => info.width ?? 0;
  return async () =>
    (await source()).sort((a, b) => rank(a) - rank(b) || width(b) - width(a) || a.info.id.localeCompare(b.info.id));
}

/** Models promoted from finished runs, in the store's `models/` (synced to this host when the store is the database). */
function promotedSource(store: ArtifactStore) {
  let source: (() => Promise<RegisteredModel[]>) | undefined;
  return async () => {
    const dir = await store.localDir("models");
    source ??= onnxDirectorySource(dir, "promoted");
    return source();
  };
}

// Route handlers are bundled separately by Next, so the one instance lives on globalThis.
const KEY = Symbol.for("diffusion-studio.services");
type WithServices = typeof globalThis & { [KEY]?: Promise<Services> };

/** The process-wide services, created (data directory, migrations, job system, worker host) on first use. */
export function getServices(): Promise<Services> {
  const g = globalThis as WithServices;
  if (!g[KEY]) {
    g[KEY] = createServices().catch((err: unknown) => {
      g[KEY] = undefined;
      throw err;
    });
  }
  return g[KEY];
}
