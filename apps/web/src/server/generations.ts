import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import type { Database } from "@/db/client";
import { generations, uploads } from "@/db/schema";
import { jobCounts } from "@/jobs/counts";
import type { JobEventLog, StoredEvent } from "@/jobs/events";
import { followedQueuePosition, queuePosition } from "@/jobs/position";
import { type Device, PRIORITY, queueName } from "@/jobs/queues";
import type { GenerationJob } from "@/jobs/schemas";
import type { ArtifactStore } from "@/jobs/store";
import { bossTransaction } from "@/jobs/transaction";
import { ApiError } from "@/shared/errors";
import { isTerminal, type JobEvent, type JobImage, type JobState } from "@/shared/jobs";
import type { Procedure, Recipe } from "@/shared/recipes";
import { artifactUrl } from "@/shared/urls";
import type { DataDir } from "./data-dir";
import { checkGenerationWork, recipeEvaluations } from "./generation-work";
import type { ModelRegistry, RegisteredModel } from "./models/registry";
import { checkRecipePrompts } from "./recipe-prompts";
import { pinRecipeSampler } from "./recipe-sampler";

export interface GenerationView {
  readonly id: string;
  readonly procedure: Procedure;
  readonly modelId: string;
  readonly recipe: Recipe;
  readonly status: JobState;
  readonly error: string | null;
  readonly images: JobImage[];
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

export interface GenerationsOptions {
  /** The device queue generations are sent to. */
  readonly device: Device;
  /** Most model evaluations one job may ask for (GENERATION_MAX_EVALS). */
  readonly maxEvaluations: number;
  /** Jobs allowed to wait in the queue; beyond that new ones are answered "busy" (QUEUE_LIMIT). */
  readonly maxWaiting: number;
  /** Told after each enqueue, so a worker in this process starts at once instead of at its next poll. */
  readonly onEnqueued?: () => void;
}

/**
 * Generations as durable jobs: a recipe is checked, stored and enqueued in one transaction; a worker on any host runs
 * it and records the result; pages follow its events from the database.
 */
export class Generations {
  constructor(
    private readonly db: Database,
    private readonly boss: PgBoss,
    private readonly log: JobEventLog,
    private readonly store: ArtifactStore,
    private readonly models: ModelRegistry,
    private readonly dataDir: DataDir,
    private readonly opts: GenerationsOptions,
  ) {}

  /** Validates a recipe against its model and inputs, stores it and enqueues it. Returns the generation id. */
  async create(recipe: Recipe, priority: number = PRIORITY.interactive): Promise<string> {
    const { job } = await this.prepare(recipe);
    await this.enqueue([job], priority, (tx, [queued]) => tx.insert(generations).values(newRow(job, queued!)));
    return job.generationId;
  }

  /** Checks a recipe against its model, inputs and the work cap, and makes its job (nothing is stored yet). */
  async prepare(submitted: Recipe): Promise<{ job: GenerationJob; evaluations: number }> {
    const model = await this.models.get(submitted.modelId);
    if (!model) throw new ApiError("NOT_FOUND", `modelId: unknown model '${submitted.modelId}'`);
    checkSupported(submitted, model);
    const recipe = pinRecipeSampler(submitted, model.info);
    checkGenerationWork(recipe, model.info, this.opts.maxEvaluations);
    const job: GenerationJob = {
      generationId: randomUUID(),
      recipe,
      model: { info: model.info, format: model.format, ref: model.ref },
      inputs: await this.inputs(recipe),
    };
    return { job, evaluations: recipeEvaluations(recipe, model.info) };
  }

  /**
   * Stores and enqueues prepared jobs as one group (a grid's cells) in one transaction, with the group's own row
   * written by `write`: all of them or none.
   */
  async createGroup(jobs: readonly GenerationJob[], gridId: string, write: (tx: Database) => Promise<unknown>) {
    await this.enqueue(jobs, PRIORITY.interactive, async (tx, queued) => {
      await write(tx);
      await tx.insert(generations).values(jobs.map((job, k) => ({ ...newRow(job, queued[k]!), gridId })));
    });
  }

  /** Several generations by id, in no particular order (missing ones are left out). */
  async getMany(ids: readonly string[]): Promise<GenerationView[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select()
      .from(generations)
      .where(inArray(generations.id, [...ids]));
    return rows.map(view);
  }

  /** Queues a failed generation's recipe again under the same id (a dead letter's retry). */
  async requeue(id: string): Promise<void> {
    const g = await this.get(id);
    const model = await this.models.get(g.modelId);
    if (!model) throw new ApiError("NOT_FOUND", `modelId: model '${g.modelId}' is no longer available`);
    const job: GenerationJob = {
      generationId: id,
      recipe: g.recipe,
      model: { info: model.info, format: model.format, ref: model.ref },
      inputs: await this.inputs(g.recipe),
    };
    await this.log.deleteJob(id);
    await this.enqueue([job], PRIORITY.interactive, (tx, [queued]) =>
      tx
        .update(generations)
        .set({ ...queued, error: null, images: [], finishedAt: null })
        .where(eq(generations.id, id)),
    );
  }

  /** Writes the rows (through `write`) and sends the jobs in one transaction: all happen or none. */
  private async enqueue(
    jobs: readonly GenerationJob[],
    priority: number,
    write: (tx: Database, queued: Queued[]) => Promise<unknown>,
  ): Promise<void> {
    const queue = queueName("generate", this.opts.device);
    const queued = jobs.map((): Queued => ({ status: "queued", queue, jobId: randomUUID() }));
    await this.db.transaction(async (tx) => {
      const db = bossTransaction(tx);
      // Enqueues into one queue take turns, so the "busy" bound holds under concurrent requests on any host.
      await db.executeSql("select pg_advisory_xact_lock(hashtext($1))", [queue]);
      const [counts] = await jobCounts(this.boss, [queue], db);
      if ((counts?.waiting ?? 0) + jobs.length > this.opts.maxWaiting) {
        const retryAfter = Math.max(1, Math.ceil((counts?.waiting ?? 0) / 4));
        throw new ApiError("TOO_MANY_REQUESTS", `busy: retry after ${retryAfter} s`, retryAfter);
      }
      await write(tx as unknown as Database, queued);
      for (const [k, job] of jobs.entries()) await this.boss.send(queue, job, { id: queued[k]!.jobId, priority, db });
    });
    this.opts.onEnqueued?.();
    for (const [k, job] of jobs.entries()) {
      const position = await queuePosition(this.boss, queue, queued[k]!.jobId);
      await this.log.append<JobEvent>(job.generationId, { type: "queued", position });
    }
  }

  async get(id: string): Promise<GenerationView> {
    const [row] = await this.db.select().from(generations).where(eq(generations.id, id));
    if (!row) throw new ApiError("NOT_FOUND", `id: no generation '${id}'`);
    return view(row);
  }

  /**
   * History, newest first, with filters. Paging is by the composite cursor (createdAt, id) of the last row seen, in
   * milliseconds as the API shows them, so rows created in the same millisecond are neither skipped nor repeated.
   * Deleted rows (waiting for purge) are left out.
   */
  async list(opts: HistoryQuery): Promise<GenerationView[]> {
    // The order and the cursor both use the millisecond the API shows, not PostgreSQL's microseconds.
    const ms = sql`date_trunc('milliseconds', ${generations.createdAt})`;
    const text = opts.text && `%${opts.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const where = and(
      isNull(generations.deletedAt),
      // A grid's cells are shown on their grid.
      isNull(generations.gridId),
      opts.procedures ? inArray(generations.procedure, opts.procedures) : undefined,
      opts.modelId ? eq(generations.modelId, opts.modelId) : undefined,
      opts.seed !== undefined ? sql`${generations.recipe}->>'seed' = ${String(opts.seed)}` : undefined,
      text ? promptMatches(text) : undefined,
      opts.from ? gte(generations.createdAt, new Date(opts.from)) : undefined,
      opts.to ? lt(generations.createdAt, new Date(opts.to)) : undefined,
      opts.before ? lt(generations.createdAt, new Date(opts.before)) : undefined,
      opts.cursor
        ? sql`(${ms}, ${generations.id}) < (${new Date(opts.cursor.createdAt).toISOString()}::timestamptz, ${opts.cursor.id})`
        : undefined,
    );
    const rows = await this.db
      .select()
      .from(generations)
      .where(where)
      .orderBy(desc(ms), desc(generations.id))
      .limit(opts.limit);
    return rows.map(view);
  }

  async rerun(id: string): Promise<string> {
    const g = await this.get(id);
    return this.create(g.recipe);
  }

  /** Cancels a queued or running job on whichever host has it (its heartbeat sees the cancel within a second). */
  async cancel(id: string): Promise<boolean> {
    const [row] = await this.db
      .update(generations)
      .set({ status: "cancelled", finishedAt: new Date() })
      .where(and(eq(generations.id, id), inArray(generations.status, ["queued", "running"])))
      .returning({ queue: generations.queue, jobId: generations.jobId });
    if (!row) return false;
    if (row.queue && row.jobId) await this.boss.cancel(row.queue, row.jobId).catch(() => undefined);
    await this.log.append<JobEvent>(id, { type: "cancelled" });
    return true;
  }

  /**
   * Deletes a generation softly: it leaves the history at once and can be restored (Undo) for `UNDO_MS`; rows deleted
   * longer ago than that are purged (row, events and images) on the next delete.
   */
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.cancel(id);
    await this.db
      .update(generations)
      .set({ deletedAt: new Date() })
      .where(and(eq(generations.id, id), isNull(generations.deletedAt)));
    await this.purgeDeleted();
  }

  /** Brings a deleted generation back, while it is not purged yet. */
  async restore(id: string): Promise<boolean> {
    const restored = await this.db
      .update(generations)
      .set({ deletedAt: null })
      .where(and(eq(generations.id, id), isNotNull(generations.deletedAt)))
      .returning({ id: generations.id });
    if (restored.length === 0) await this.get(id); // NOT_FOUND once purged
    return restored.length > 0;
  }

  /** Removes for good what was deleted more than `UNDO_MS` ago. */
  async purgeDeleted(now = Date.now()): Promise<number> {
    const purged = await this.db
      .delete(generations)
      .where(lt(generations.deletedAt, new Date(now - UNDO_MS)))
      .returning({ id: generations.id });
    for (const { id } of purged) {
      await this.log.deleteJob(id);
      await this.store.remove(`artifacts/generations/${id}`);
    }
    return purged.length;
  }

  /** The job's events after `afterSeq`, live until it ends, whichever host runs it. */
  async *events(id: string, opts: { afterSeq?: number; signal?: AbortSignal }): AsyncIterable<StoredEvent<JobEvent>> {
    await this.get(id);
    let position: number | undefined;
    for await (const e of this.log.follow<JobEvent>(id, {
      after: opts.afterSeq,
      signal: opts.signal,
      isFinal: isTerminal,
      endedWith: async () => finalEventOf(await this.get(id)),
      // A waiting job moves up as the jobs ahead of it start: its place is sent again whenever it changes.
      whileQuiet: async () => {
        const now = await this.waitingPosition(id);
        return now !== undefined && now !== position ? { type: "queued", position: now } : undefined;
      },
    })) {
      if (e.event.type === "queued") position = e.event.position;
      yield e;
    }
  }

  /** A queued generation's current place in its queue (1 = next), or undefined when it is not waiting. */
  private async waitingPosition(id: string): Promise<number | undefined> {
    const [row] = await this.db
      .select({ status: generations.status, queue: generations.queue, jobId: generations.jobId })
      .from(generations)
      .where(eq(generations.id, id));
    if (row?.status !== "queued" || !row.queue || !row.jobId) return undefined;
    const position = await followedQueuePosition(this.boss, row.queue, row.jobId);
    return position > 0 ? position : undefined;
  }

  /**
   * Rows of the earlier in-memory queue (queued or running, never sent to pg-boss) are enqueued once, so an upgrade
   * loses no job.
   */
  async adoptLegacyRows(): Promise<void> {
    const rows = await this.db
      .select()
      .from(generations)
      .where(and(inArray(generations.status, ["queued", "running"]), isNull(generations.queue)));
    for (const row of rows) {
      await this.db.delete(generations).where(eq(generations.id, row.id));
      await this.create(row.recipe as Recipe).catch((err: unknown) =>
        console.warn(`generation ${row.id} not re-queued: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
  }

  /** The store keys of a recipe's uploads (hosts that share only the database get a copy in the store). */
  private async inputs(recipe: Recipe): Promise<GenerationJob["inputs"]> {
    if (!("imageId" in recipe)) return {};
    const image = await this.upload(recipe.imageId, "imageId");
    if (!("maskId" in recipe)) return { image: image.key };
    const mask = await this.upload(recipe.maskId, "maskId");
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new ApiError(
        "BAD_REQUEST",
        `maskId: the mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`,
      );
    }
    return { image: image.key, mask: mask.key };
  }

  /** An upload's store key and size (hosts that share only the database get a copy in the store). */
  private async upload(id: string, field: string): Promise<{ key: string; width: number; height: number }> {
    const row = await this.uploadRow(id);
    if (!row) throw new ApiError("NOT_FOUND", `${field}: no upload '${id}'`);
    const key = row.path.split(path.sep).join("/");
    if (this.store.kind === "database") {
      await this.store.put(`artifacts/${key}`, await fs.readFile(path.join(this.dataDir.artifacts, row.path)));
    }
    return { key, width: row.width, height: row.height };
  }

  private async uploadRow(id: string) {
    const [row] = await this.db.select().from(uploads).where(eq(uploads.id, id));
    return row;
  }
}

/** A job's row fields once it is sent: the queue and pg-boss job of its attempt. */
type Queued = { status: "queued"; queue: string; jobId: string };

/** The row of a new generation. */
function newRow(job: GenerationJob, queued: Queued) {
  const { recipe } = job;
  return { id: job.generationId, procedure: recipe.procedure, modelId: recipe.modelId, recipe, ...queued };
}

/** How long a deleted generation can be restored before a later delete purges it. */
export const UNDO_MS = 10 * 60_000;

/** What the history can be filtered by; `cursor` is the last row of the previous page. */
export interface HistoryQuery {
  readonly procedures?: Procedure[];
  readonly modelId?: string;
  /** Part of any prompt of the recipe (case-insensitive). */
  readonly text?: string;
  readonly seed?: number;
  /** Created at or after `from` and before `to` (ISO date-times). */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly before?: string;
  readonly cursor?: { readonly createdAt: string; readonly id: string };
}

/** A LIKE pattern against every prompt field a recipe has (prompts, prompt, parts, low and high prompts). */
function promptMatches(pattern: string): SQL {
  const r = generations.recipe;
  return sql`(${r}->>'prompt' ilike ${pattern} or ${r}->>'prompts' ilike ${pattern} or ${r}->>'parts' ilike ${pattern} or ${r}->>'lowPrompt' ilike ${pattern} or ${r}->>'highPrompt' ilike ${pattern})`;
}

function view(row: typeof generations.$inferSelect): GenerationView {
  return {
    id: row.id,
    procedure: row.procedure as Procedure,
    modelId: row.modelId,
    recipe: row.recipe as Recipe,
    status: row.status,
    error: row.error,
    images: row.images.map((i) => ({ url: artifactUrl(i.path), label: i.label, width: i.width, height: i.height })),
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** The final event a finished row stands for (a stream that missed it still ends). */
function finalEventOf(g: GenerationView): JobEvent | undefined {
  switch (g.status) {
    case "done":
      return { type: "done", images: g.images, seconds: 0 };
    case "error":
      return { type: "error", message: g.error ?? "failed" };
    case "cancelled":
      return { type: "cancelled" };
    default:
      return undefined;
  }
}

/** Model-specific checks the static schemas cannot make. */
function checkSupported(recipe: Recipe, model: RegisteredModel): void {
  const info = model.info;
  if (!info.procedures.includes(recipe.procedure)) {
    throw new ApiError(
      "BAD_REQUEST",
      `procedure: model '${info.id}' does not support '${recipe.procedure}' (it supports ${info.procedures.join(", ")})`,
    );
  }
  if (recipe.procedure === "generate" && recipe.upscale && !info.upscale) {
    throw new ApiError("BAD_REQUEST", `upscale: model '${info.id}' has no upscaling stage`);
  }
  if ("iStarts" in recipe) {
    const bad = recipe.iStarts.find((i) => i >= recipe.steps);
    if (bad !== undefined) throw new ApiError("BAD_REQUEST", `iStarts: ${bad} is not below steps (${recipe.steps})`);
  }
  if (recipe.procedure === "denoise-compare" && recipe.iStart >= info.courseSteps) {
    throw new ApiError("BAD_REQUEST", `iStart: must be below ${info.courseSteps} for model '${info.id}'`);
  }
  if (recipe.procedure === "anagram") {
    const bad = recipe.parts.find((p) => !info.anagramViews.includes(p.view));
    if (bad) {
      throw new ApiError(
        "BAD_REQUEST",
        `view: '${bad.view}' does not suit model '${info.id}' (one of ${info.anagramViews.join(", ")})`,
      );
    }
  }
  checkRecipePrompts(recipe, info);
}
