import "server-only";
import { type Env, loadEnv } from "@/env";
import { type DataDir, prepareDataDir } from "./data-dir";
import { type OpenedDatabase, openDatabase } from "./db/client";
import { Generations } from "./generations";
import { LocalJobQueue } from "./jobs/local-queue";
import type { JobQueue } from "./jobs/queue";
import { deepFloydSource } from "./models/deepfloyd";
import { onnxDirectorySource, onnxFilesSource } from "./models/onnx-directory";
import { combineRegistries, type ModelRegistry, type RegisteredModel } from "./models/registry";
import { trainer } from "./trainer";
import { Training } from "./training";

/** Everything the API needs, created once per server process. */
export interface Services {
  readonly env: Env;
  readonly dataDir: DataDir;
  readonly database: OpenedDatabase;
  readonly queue: JobQueue;
  readonly models: ModelRegistry;
  readonly generations: Generations;
  readonly training: Training;
}

export async function createServices(env: Env = loadEnv()): Promise<Services> {
  if (env.exposed && !env.TEAM_TOKEN) {
    // Refuse to serve an exposed portal that anyone could use to run jobs.
    throw new Error(`HOST is ${env.HOST}, which is reachable from other machines: set TEAM_TOKEN (16+ characters)`);
  }
  const dataDir = await prepareDataDir(env.dataDir);
  const database = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.DATABASE_URL });
  const queue = new LocalJobQueue({
    workerScript: env.workerScript,
    workers: env.WORKERS,
    maxWaiting: env.QUEUE_LIMIT,
  });
  const models = combineRegistries([
    // A team that points the portal at DeepFloyd IF wants it as the default choice, so it comes first.
    ...(env.DEEPFLOYD_DIR ? [deepFloydSource(env.DEEPFLOYD_DIR)] : []),
    ...(env.EMBEDDED_MODELS ? [embeddedSource()] : []),
    ...(env.MODELS_DIR ? [onnxDirectorySource(env.MODELS_DIR, "configured")] : []),
    onnxDirectorySource(dataDir.models, "promoted"),
  ]);
  // Reads the configured sources once now, so a broken DEEPFLOYD_DIR is logged at start-up (it is not fatal).
  await models.problems();
  const generations = new Generations(database.db, queue, models, dataDir, {
    device: env.INFERENCE_DEVICE,
    threads: env.inferenceThreads,
  });
  await generations.resumeUnfinished();
  const training = new Training(database.db, dataDir);
  return { env, dataDir, database, queue, models, generations, training };
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
    (info.conditioning.type === "none" ? 2 : 0) + (info.schedules.includes("flow-euler") ? 0 : 1);
  const width = ({ info }: RegisteredModel) => info.width ?? 0;
  return async () =>
    (await source()).sort((a, b) => rank(a) - rank(b) || width(b) - width(a) || a.info.id.localeCompare(b.info.id));
}

// Route handlers are bundled separately by Next, so the one instance lives on globalThis.
const KEY = Symbol.for("diffusion-studio.services");
type WithServices = typeof globalThis & { [KEY]?: Promise<Services> };

/** The process-wide services, created (data directory, migrations, worker pool) on first use. */
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
