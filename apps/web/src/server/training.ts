import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { EventBatch } from "@diffusion-studio/trainer/api";
import { eq } from "drizzle-orm";
import { ApiError } from "@/shared/errors";
import type { DataDir } from "./data-dir";
import type { Database } from "./db/client";
import { promotedModels, trainingRuns } from "./db/schema";
import { trainer } from "./trainer";

/** Run names are directory names the trainer made: letters, digits, dots, dashes. */
export const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

/** Metric points sent to a chart; longer runs are thinned evenly. */
const MAX_POINTS = 1500;

export function runFileUrl(run: string, relative: string): string {
  return `/api/runs/${encodeURIComponent(run)}/${relative.split(path.sep).map(encodeURIComponent).join("/")}`;
}

/**
 * Training runs launched from the dashboard. The trainer's run directories (under `<data>/runs`) are the source of
 * truth — runs are detached processes that outlive a portal restart — and the database remembers who launched what
 * with which overrides, and what was promoted.
 */
export class Training {
  constructor(
    private readonly db: Database,
    private readonly dataDir: DataDir,
  ) {}

  async experiments() {
    const { experimentNames, experiments, resolveConfig } = await trainer();
    return experimentNames.map((name) => {
      const c = experiments[name as keyof typeof experiments] ?? resolveConfig(name);
      return {
        name,
        description: c.description,
        objective: c.objective,
        defaults: {
          epochs: c.epochs,
          batch: c.batch,
          hidden: c.hidden,
          lr: c.lr,
          seed: c.seed,
          trainExamples: c.trainExamples,
        },
      };
    });
  }

  /** Validates the config with the trainer's own rules, then starts a detached training process. */
  async start(experiment: string, overrides: Record<string, unknown>): Promise<string> {
    const { ConfigError, experimentNames, resolveConfig, startRun } = await trainer();
    if (!experimentNames.includes(experiment)) {
      throw new ApiError(
        "BAD_REQUEST",
        `experiment: unknown experiment '${experiment}' (one of ${experimentNames.join(", ")})`,
      );
    }
    try {
      resolveConfig(experiment, overrides);
    } catch (err) {
      if (err instanceof ConfigError) throw new ApiError("BAD_REQUEST", `overrides: ${err.message}`);
      throw err;
    }
    const started = startRun({ experiment, overrides, root: this.dataDir.runs, threads: 1 });
    const id = path.basename(started.dir);
    await this.db.insert(trainingRuns).values({
      id,
      config: experiment,
      overrides,
      status: "running",
      runDir: started.dir,
      pid: started.pid,
    });
    return id;
  }

  async list() {
    const { listRuns } = await trainer();
    const rows = await this.db.select().from(trainingRuns);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return listRuns(this.dataDir.runs).map((r) => ({
      id: r.name,
      experiment: r.experiment,
      state: r.state,
      step: r.step,
      totalSteps: r.totalSteps,
      lastLoss: r.lastLoss,
      createdAt: r.createdAt,
      overrides: byId.get(r.name)?.overrides ?? {},
      promotedModelId: byId.get(r.name)?.promotedModelId ?? null,
    }));
  }

  async detail(id: string) {
    const dir = await this.dir(id);
    const a = (await trainer()).readArtifacts(dir);
    const [row] = await this.db.select().from(trainingRuns).where(eq(trainingRuns.id, id));
    const stride = Math.max(1, Math.ceil(a.metrics.length / MAX_POINTS));
    const metrics = a.metrics.filter((_, i) => i % stride === 0 || i === a.metrics.length - 1);
    const rel = (file: string | null) => (file ? runFileUrl(id, path.relative(dir, file)) : null);
    return {
      id,
      config: a.config,
      status: a.status,
      overrides: row?.overrides ?? {},
      loss: { step: metrics.map((m) => m.step), loss: metrics.map((m) => m.loss) },
      grids: a.grids.map((g, i) => ({ url: rel(g)!, label: `epoch ${i + 1}` })),
      lossCurve: rel(a.lossCurve),
      trajectory: rel(a.trajectory),
      evaluation: a.evaluation,
      hasModel: a.model !== null,
      promotedModelId: row?.promotedModelId ?? null,
    };
  }

  /**
   * Asks the run to stop; it saves a checkpoint first, so this returns before it has ended. Repeated requests while
   * it stops send no second SIGINT (`cancelRun` records the request), which would make it exit without its checkpoint.
   */
  async cancel(id: string): Promise<void> {
    const dir = await this.dir(id);
    (await trainer()).cancelRun(dir).catch((err: unknown) => console.error(`cancel ${id}:`, err));
  }

  /**
   * Continues a cancelled or failed run from its latest checkpoint (from the start if it had none) in a new detached
   * process. The run keeps its directory, so its loss curve, grids and events carry on where they stopped.
   */
  async resume(id: string): Promise<void> {
    const dir = await this.dir(id);
    const { liveStatus, RunBusyError, startRun } = await trainer();
    const { state } = liveStatus(dir);
    if (state !== "cancelled" && state !== "failed") {
      throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' is ${state}; only a cancelled or failed run resumes`);
    }
    try {
      const started = startRun({ resume: dir, threads: 1 });
      await this.db.update(trainingRuns).set({ status: "running", pid: started.pid }).where(eq(trainingRuns.id, id));
    } catch (err) {
      // Two resumes at once: the second finds the first's process training the run.
      if (err instanceof RunBusyError) throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' is already running`);
      throw err;
    }
  }

  /** Copies a finished run's exported model into the registry, where the galleries pick it up. */
  async promote(id: string): Promise<string> {
    const dir = await this.dir(id);
    const a = (await trainer()).readArtifacts(dir);
    if (a.status.state !== "done")
      throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' is ${a.status.state}, not done`);
    if (!a.model) throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' exported no model`);
    const modelId = id;
    await fs.copyFile(a.model, path.join(this.dataDir.models, `${modelId}.onnx`));
    await this.db
      .insert(promotedModels)
      .values({
        id: modelId,
        name: `${a.config.experiment} (${id})`,
        runId: id,
        dir: path.join("models", `${modelId}.onnx`),
      })
      .onConflictDoNothing();
    await this.db.update(trainingRuns).set({ promotedModelId: modelId }).where(eq(trainingRuns.id, id));
    return modelId;
  }

  /**
   * The run's events from byte `offset` on, then new ones as the trainer writes them, until it ends — through a
   * resumed run's earlier sessions, and with a `failed` event if its process dies without saying so.
   */
  async *events(id: string, opts: { offset?: number; signal?: AbortSignal }): AsyncIterable<EventBatch> {
    const dir = await this.dir(id);
    yield* (await trainer()).watchRunBatches(dir, { offset: opts.offset, signal: opts.signal });
  }

  private async dir(id: string): Promise<string> {
    if (!RUN_NAME.test(id)) throw new ApiError("BAD_REQUEST", `id: '${id}' is not a run name`);
    const dir = path.join(this.dataDir.runs, id);
    const ok = await fs.stat(path.join(dir, "config.json")).catch(() => undefined);
    if (!ok) throw new ApiError("NOT_FOUND", `id: no training run '${id}'`);
    return dir;
  }
}
