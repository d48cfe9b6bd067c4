import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import type { Database } from "@/db/client";
import { promotedModels, trainingRuns } from "@/db/schema";
import type { JobEventLog, StoredEvent } from "@/jobs/events";
import { queuePosition } from "@/jobs/position";
import { type Device, queueName } from "@/jobs/queues";
import type { TrainingJob } from "@/jobs/schemas";
import type { ArtifactStore } from "@/jobs/store";
import type { RunEvent } from "@/jobs/training-events";
import { bossTransaction } from "@/jobs/transaction";
import { ApiError } from "@/shared/errors";
import { trainer } from "./trainer";

/** Run names are directory names: letters, digits, dots, dashes. */
export const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

/** Metric points sent to a chart; longer runs are thinned evenly. */
const MAX_POINTS = 1500;

const FINAL_EVENTS: ReadonlySet<RunEvent["type"]> = new Set(["done", "cancelled", "failed"]);
const FINAL_STATES = ["done", "failed", "error", "cancelled"];

/** A run asked to stop whose worker never confirmed (it died while stopping) counts as cancelled after this. */
const STOP_CONFIRM_MS = 120_000;

export function runFileUrl(run: string, relative: string): string {
  return `/api/runs/${encodeURIComponent(run)}/${relative.split(path.sep).map(encodeURIComponent).join("/")}`;
}

export interface TrainingOptions {
  readonly device: Device;
  /** Most memory one run may take (MB); a run estimated above it is refused before it is queued. */
  readonly maxMemoryMb: number;
  readonly onEnqueued?: () => void;
}

/**
 * Training runs as jobs: launching checks the config and the run's memory estimate, creates its directory in the
 * store and enqueues it with its row in one transaction; a worker with a free training slot runs it and sends its
 * events and files back through the database and the store, so every portal shows it live.
 */
export class Training {
  constructor(
    private readonly db: Database,
    private readonly boss: PgBoss,
    private readonly log: JobEventLog,
    private readonly store: ArtifactStore,
    private readonly opts: TrainingOptions,
  ) {}

  async experiments() {
    const { experimentNames, experiments, resolveConfig, estimateRunMemoryMb } = await trainer();
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
        memoryMb: estimateRunMemoryMb(c),
        maxMemoryMb: this.opts.maxMemoryMb,
      };
    });
  }

  /**
   * A launch's estimated memory, steps and wall time (from the speed a committed model of its width was trained at;
   * null when none was), before it is queued; `problem` is why `start` would refuse it.
   */
  async estimate(experiment: string, overrides: Record<string, unknown>) {
    const { config, memoryMb } = await this.resolve(experiment, overrides);
    const { batchesPerEpoch, estimateRunSeconds } = await trainer();
    const perEpoch = batchesPerEpoch(config.trainExamples, { batchSize: config.batch, dropLast: config.dropLast });
    const steps = perEpoch * config.epochs;
    return {
      memoryMb,
      maxMemoryMb: this.opts.maxMemoryMb,
      steps,
      time: estimateRunSeconds(config, steps) ?? null,
      problem: this.memoryProblem(config, memoryMb) ?? null,
    };
  }

  /** Validates the config with the trainer's own rules and the memory limit, then queues the run. */
  async start(experiment: string, overrides: Record<string, unknown>): Promise<string> {
    const { config, memoryMb } = await this.resolve(experiment, overrides);
    const problem = this.memoryProblem(config, memoryMb);
    if (problem) throw new ApiError("BAD_REQUEST", problem);
    const { createRunDir, newRunName } = await trainer();
    const id = newRunName(config.experiment);
    const prefix = `runs/${id}`;
    createRunDir(await this.store.localDir(prefix), config);
    await this.store.pushDir(await this.store.localDir(prefix), prefix);
    await this.enqueue(id, { runId: id, experiment, overrides: overrides as TrainingJob["overrides"] }, memoryMb, true);
    return id;
  }

  async list() {
    const rows = await this.db.select().from(trainingRuns).orderBy(desc(trainingRuns.createdAt));
    return Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        experiment: r.config,
        state: r.status === "error" ? "failed" : r.status,
        step: r.step,
        totalSteps: r.totalSteps,
        lastLoss: r.lastLoss,
        createdAt: r.createdAt.toISOString(),
        overrides: r.overrides,
        promotedModelId: r.promotedModelId,
        worker: r.worker,
        position: await this.position(r),
      })),
    );
  }

  async detail(id: string) {
    const row = await this.row(id);
    const dir = await this.store.localDir(`runs/${id}`);
    const a = (await trainer()).readArtifacts(dir);
    const stride = Math.max(1, Math.ceil(a.metrics.length / MAX_POINTS));
    const metrics = a.metrics.filter((_, i) => i % stride === 0 || i === a.metrics.length - 1);
    const rel = (file: string | null) => (file ? runFileUrl(id, path.relative(dir, file)) : null);
    return {
      id,
      config: a.config,
      // The row is the truth about the job (queued, or cancelled before a worker took it); the files about training.
      status: {
        ...a.status,
        state: row.status === "error" ? "failed" : row.status,
        step: Math.max(a.status.step, row.step),
      },
      overrides: row.overrides,
      loss: { step: metrics.map((m) => m.step), loss: metrics.map((m) => m.loss) },
      grids: a.grids.map((g, i) => ({ url: rel(g) ?? "", label: `epoch ${i + 1}` })),
      lossCurve: rel(a.lossCurve),
      trajectory: rel(a.trajectory),
      evaluation: a.evaluation,
      hasModel: a.model !== null,
      promotedModelId: row.promotedModelId,
      worker: row.worker,
      error: row.error,
      position: await this.position(row),
      memoryMb: row.memoryMb,
    };
  }

  /**
   * Cancels a queued run at once, or asks the worker running it to stop: the run is `cancelling` until the worker has
   * saved its checkpoint and says `cancelled` (so a resume continues from exactly there).
   */
  async cancel(id: string): Promise<void> {
    const row = await this.row(id);
    const waiting = row.status === "queued" || row.status === "created";
    const [cancelled] = await this.db
      .update(trainingRuns)
      .set({ status: waiting ? "cancelled" : "cancelling", finishedAt: new Date() })
      .where(and(eq(trainingRuns.id, id), inArray(trainingRuns.status, waiting ? ["queued", "created"] : ["running"])))
      .returning({ id: trainingRuns.id });
    if (!cancelled) return;
    if (row.queue && row.jobId) await this.boss.cancel(row.queue, row.jobId).catch(() => undefined);
    if (waiting) {
      const time = new Date().toISOString();
      await this.log.append<RunEvent>(id, { type: "cancelled", time, step: row.step, checkpoint: null });
    }
  }

  /** Queues a cancelled or failed run again; it continues from its latest checkpoint on whichever worker takes it. */
  async resume(id: string): Promise<void> {
    const row = await this.row(id);
    const state = row.status === "error" ? "failed" : row.status;
    if (state !== "cancelled" && state !== "failed") {
      throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' is ${state}; only a cancelled or failed run resumes`);
    }
    await this.enqueue(
      id,
      { runId: id, experiment: row.config, overrides: row.overrides as TrainingJob["overrides"] },
      row.memoryMb ?? 0,
      false,
    );
  }

  /** Copies a finished run's exported model into the store's models, where every gallery picks it up. */
  async promote(id: string): Promise<string> {
    const row = await this.row(id);
    if (row.status !== "done") throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' is ${row.status}, not done`);
    const model = await this.store.get(`runs/${id}/model.onnx`);
    if (!model) throw new ApiError("PRECONDITION_FAILED", `id: run '${id}' exported no model`);
    const modelId = id;
    await this.store.put(`models/${modelId}.onnx`, model);
    await this.db
      .insert(promotedModels)
      .values({ id: modelId, name: `${row.config} (${id})`, runId: id, dir: path.join("models", `${modelId}.onnx`) })
      .onConflictDoNothing();
    await this.db.update(trainingRuns).set({ promotedModelId: modelId }).where(eq(trainingRuns.id, id));
    return modelId;
  }

  /**
   * The run's events after `after`, then live ones, through every session of a resumed run, until it ends: a final
   * event ends the stream only while the run's row says it has ended.
   */
  async *events(id: string, opts: { after?: number; signal?: AbortSignal }): AsyncIterable<StoredEvent<RunEvent>> {
    await this.row(id);
    const ended = async () => FINAL_STATES.includes((await this.row(id)).status);
    yield* this.log.follow<RunEvent>(id, {
      after: opts.after,
      signal: opts.signal,
      // A resumed run's earlier `cancelled` or `failed` is not the end: the row says whether the run has ended.
      isFinal: async (e) => FINAL_EVENTS.has(e.type) && (await ended()),
      endedWith: async () => ((await ended()) ? "end" : undefined),
    });
  }

  /** The experiment's config with the overrides, by the trainer's own rules, and its memory estimate. */
  private async resolve(experiment: string, overrides: Record<string, unknown>) {
    const { ConfigError, experimentNames, resolveConfig, estimateRunMemoryMb } = await trainer();
    if (!experimentNames.includes(experiment)) {
      throw new ApiError(
        "BAD_REQUEST",
        `experiment: unknown experiment '${experiment}' (one of ${experimentNames.join(", ")})`,
      );
    }
    try {
      const config = resolveConfig(experiment, overrides);
      return { config, memoryMb: estimateRunMemoryMb(config) };
    } catch (err) {
      if (err instanceof ConfigError) throw new ApiError("BAD_REQUEST", `overrides: ${err.message}`);
      throw err;
    }
  }

  private memoryProblem(config: { batch: number; hidden: number }, memoryMb: number): string | undefined {
    if (memoryMb <= this.opts.maxMemoryMb) return undefined;
    return `overrides: batch ${config.batch} at hidden ${config.hidden} needs about ${memoryMb} MB, over the limit of ${this.opts.maxMemoryMb} MB per run (TRAINING_MAX_MEMORY_MB); lower batch or hidden`;
  }

  private async enqueue(id: string, job: TrainingJob, memoryMb: number, insert: boolean): Promise<void> {
    const queue = queueName("train", this.opts.device);
    const jobId = randomUUID();
    await this.db.transaction(async (tx) => {
      const values = { status: "queued" as const, queue, jobId, memoryMb, error: null, finishedAt: null };
      if (insert) {
        await tx
          .insert(trainingRuns)
          .values({ id, config: job.experiment, overrides: job.overrides, runDir: `runs/${id}`, ...values });
      } else {
        await tx.update(trainingRuns).set(values).where(eq(trainingRuns.id, id));
      }
      await this.boss.send(queue, job, { id: jobId, db: bossTransaction(tx) });
    });
    this.opts.onEnqueued?.();
  }

  private async position(row: typeof trainingRuns.$inferSelect): Promise<number | null> {
    if (row.status !== "queued" || !row.queue || !row.jobId) return null;
    return (await queuePosition(this.boss, row.queue, row.jobId)) || null;
  }

  private async row(id: string) {
    if (!RUN_NAME.test(id)) throw new ApiError("BAD_REQUEST", `id: '${id}' is not a run name`);
    const [row] = await this.db.select().from(trainingRuns).where(eq(trainingRuns.id, id));
    if (!row) throw new ApiError("NOT_FOUND", `id: no training run '${id}'`);
    if (row.status === "cancelling" && Date.now() - (row.finishedAt?.getTime() ?? 0) > STOP_CONFIRM_MS) {
      await this.db
        .update(trainingRuns)
        .set({ status: "cancelled" })
        .where(and(eq(trainingRuns.id, id), eq(trainingRuns.status, "cancelling")));
      return { ...row, status: "cancelled" as const };
    }
    return row;
  }
}
