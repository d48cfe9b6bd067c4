import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { ApiError } from "@/shared/errors";
import type { JobEvent, JobImage, JobState } from "@/shared/jobs";
import { promptCondition } from "@/shared/prompts";
import type { Procedure, Recipe } from "@/shared/recipes";
import type { WorkerTask } from "@/shared/task";
import { artifactUrl } from "@/shared/urls";
import type { DataDir } from "./data-dir";
import type { Database } from "./db/client";
import { generations, type StoredImage, uploads } from "./db/schema";
import { type JobQueue, QueueBusyError, type SequencedEvent } from "./jobs/queue";
import type { ModelRegistry, RegisteredModel } from "./models/registry";

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

/** Stores recipes, hands them to the job queue, and records what came back. */
export class Generations {
  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly models: ModelRegistry,
    private readonly dataDir: DataDir,
    private readonly runtime: Pick<WorkerTask, "device" | "threads"> = { device: "cpu", threads: 1 },
  ) {
    queue.onFinished((id, event) => void this.record(id, event));
  }

  /** Validates a recipe against its model and inputs, stores it and enqueues it. Returns the generation id. */
  async create(recipe: Recipe): Promise<string> {
    const model = await this.models.get(recipe.modelId);
    if (!model) throw new ApiError("NOT_FOUND", `modelId: unknown model '${recipe.modelId}'`);
    checkSupported(recipe, model);
    const id = randomUUID();
    const task = await this.task(id, recipe, model);
    await this.db.insert(generations).values({
      id,
      procedure: recipe.procedure,
      modelId: recipe.modelId,
      recipe,
      status: "queued",
    });
    try {
      this.queue.submit(id, task);
    } catch (err) {
      await this.db.delete(generations).where(eq(generations.id, id));
      if (err instanceof QueueBusyError) {
        throw new ApiError("TOO_MANY_REQUESTS", `busy: retry after ${err.retryAfterS} s`, err.retryAfterS);
      }
      throw err;
    }
    return id;
  }

  async get(id: string): Promise<GenerationView> {
    const [row] = await this.db.select().from(generations).where(eq(generations.id, id));
    if (!row) throw new ApiError("NOT_FOUND", `id: no generation '${id}'`);
    return this.view(row);
  }

  async list(opts: { procedures?: Procedure[]; limit: number; before?: string }): Promise<GenerationView[]> {
    const where = and(
      opts.procedures ? inArray(generations.procedure, opts.procedures) : undefined,
      opts.before ? lt(generations.createdAt, new Date(opts.before)) : undefined,
    );
    const rows = await this.db
      .select()
      .from(generations)
      .where(where)
      .orderBy(desc(generations.createdAt))
      .limit(opts.limit);
    return rows.map((r) => this.view(r));
  }

  async rerun(id: string): Promise<string> {
    const g = await this.get(id);
    return this.create(g.recipe);
  }

  cancel(id: string): boolean {
    return this.queue.cancel(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    this.queue.cancel(id);
    await this.db.delete(generations).where(eq(generations.id, id));
    await fs.rm(path.join(this.dataDir.artifacts, "generations", id), { recursive: true, force: true });
  }

  /** The job's events: live from the queue while it is known there, otherwise its stored outcome. */
  async *events(id: string, opts: { afterSeq?: number; signal?: AbortSignal }): AsyncIterable<SequencedEvent> {
    if (this.queue.state(id)) {
      yield* this.queue.events(id, opts);
      return;
    }
    const g = await this.get(id);
    const final: JobEvent | undefined =
      g.status === "done"
        ? { type: "done", images: g.images, seconds: 0 }
        : g.status === "error"
          ? { type: "error", message: g.error ?? "failed" }
          : g.status === "cancelled"
            ? { type: "cancelled" }
            : undefined;
    if (final) yield { seq: Number.MAX_SAFE_INTEGER, event: final };
  }

  /** Jobs that were queued or running when the server stopped are queued again, so nothing is lost. */
  async resumeUnfinished(): Promise<void> {
    const rows = await this.db
      .select()
      .from(generations)
      .where(inArray(generations.status, ["queued", "running"]));
    for (const row of rows) {
      try {
        const model = await this.models.get(row.modelId);
        if (!model) throw new ApiError("NOT_FOUND", `modelId: model '${row.modelId}' is no longer available`);
        this.queue.submit(row.id, await this.task(row.id, row.recipe as Recipe, model));
        await this.db.update(generations).set({ status: "queued" }).where(eq(generations.id, row.id));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await this.record(row.id, { type: "error", message: `not resumed after restart: ${message}` });
      }
    }
  }

  private async task(id: string, recipe: Recipe, model: RegisteredModel): Promise<WorkerTask> {
    const inputs: { image?: string; mask?: string } = {};
    if ("imageId" in recipe) {
      const image = await this.upload(recipe.imageId, "imageId");
      inputs.image = path.join(this.dataDir.artifacts, image.path);
      if ("maskId" in recipe) {
        const mask = await this.upload(recipe.maskId, "maskId");
        if (mask.width !== image.width || mask.height !== image.height) {
          throw new ApiError(
            "BAD_REQUEST",
            `maskId: the mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`,
          );
        }
        inputs.mask = path.join(this.dataDir.artifacts, mask.path);
      }
    }
    return {
      recipe,
      model: { info: model.info, format: model.format, file: model.file },
      inputs,
      artifactsDir: this.dataDir.artifacts,
      ...this.runtime,
      outputPrefix: path.join("generations", id),
    };
  }

  private async upload(id: string, field: string) {
    const [row] = await this.db.select().from(uploads).where(eq(uploads.id, id));
    if (!row) throw new ApiError("NOT_FOUND", `${field}: no upload '${id}'`);
    return row;
  }

  private async record(id: string, event: JobEvent): Promise<void> {
    const status: JobState = event.type === "done" ? "done" : event.type === "cancelled" ? "cancelled" : "error";
    const images: StoredImage[] =
      event.type === "done" ? event.images.map((i) => ({ ...i, path: fromArtifactUrl(i.url) })) : [];
    await this.db
      .update(generations)
      .set({
        status,
        error: event.type === "error" ? event.message : null,
        images,
        finishedAt: new Date(),
      })
      .where(eq(generations.id, id));
  }

  private view(row: typeof generations.$inferSelect): GenerationView {
    return {
      id: row.id,
      procedure: row.procedure as Procedure,
      modelId: row.modelId,
      recipe: row.recipe as Recipe,
      status: this.queue.state(row.id) ?? row.status,
      error: row.error,
      images: row.images.map((i) => ({ url: artifactUrl(i.path), label: i.label, width: i.width, height: i.height })),
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }
}

function fromArtifactUrl(url: string): string {
  return url
    .replace(/^\/api\/artifacts\//, "")
    .split("/")
    .map(decodeURIComponent)
    .join("/");
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
  if (recipe.procedure === "denoise-compare" && recipe.iStart >= info.defaults.steps) {
    throw new ApiError("BAD_REQUEST", `iStart: must be below ${info.defaults.steps} for model '${info.id}'`);
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
  // Every prompt must mean something to this model (MNIST models need a digit).
  for (const [field, prompt] of promptsOf(recipe)) {
    try {
      promptCondition(prompt, info.conditioning, field);
    } catch (err) {
      throw new ApiError("BAD_REQUEST", (err as Error).message);
    }
  }
}

function promptsOf(recipe: Recipe): [string, string][] {
  switch (recipe.procedure) {
    case "generate":
      return recipe.prompts.map((p) => ["prompts", p]);
    case "anagram":
      return recipe.parts.map((p) => ["parts", p.prompt]);
    case "hybrid":
      return [
        ["lowPrompt", recipe.lowPrompt],
        ["highPrompt", recipe.highPrompt],
      ];
    case "forward":
      return [];
    default:
      return [["prompt", recipe.prompt]];
  }
}
