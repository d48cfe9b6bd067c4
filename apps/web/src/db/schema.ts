import { bigserial, customType, index, integer, jsonb, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

/** Binary column (PostgreSQL `bytea`); node-postgres and PGlite both hand back a Uint8Array/Buffer. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/** One image a job produced, stored under the data directory (path relative to `artifacts/`). */
export interface StoredImage {
  readonly path: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
}

/** Every generation, edit, illusion and lab run: its full recipe and what it produced. */
export const generations = pgTable("generations", {
  id: text("id").primaryKey(),
  procedure: text("procedure").notNull(),
  modelId: text("model_id").notNull(),
  /** The validated recipe exactly as submitted; re-running it reproduces the same bytes. */
  recipe: jsonb("recipe").notNull(),
  status: text("status", { enum: ["queued", "running", "done", "error", "cancelled"] }).notNull(),
  error: text("error"),
  images: jsonb("images").$type<StoredImage[]>().notNull().default([]),
  /** The queue and pg-boss job of its current attempt, so a cancel reaches it (a retried dead letter gets a new job). */
  queue: text("queue"),
  jobId: text("job_id"),
  /** The worker (WORKER_NAME) running or last running it, and how many times it was started. */
  worker: text("worker"),
  attempts: integer("attempts").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  /** Set by a delete: the row is hidden and can be restored (Undo) until it is purged a while later. */
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
  /** Set when a browser tab ran it (onnxruntime-web) and sent the result: which backend and how many threads. */
  ranIn: jsonb("ran_in").$type<{
    readonly where: "browser";
    readonly backend: "webgpu" | "wasm";
    readonly threads: number;
  }>(),
  /** The parameter grid it is a cell of; grid cells are shown on their grid, not in the galleries' history. */
  gridId: text("grid_id"),
});

/**
 * A parameter grid (X/Y plot): one base recipe swept over one or two parameters, each cell a generation of its own,
 * enqueued together. `cells` holds the cells' generation ids row by row (y outer, x inner).
 */
export const grids = pgTable("grids", {
  id: text("id").primaryKey(),
  /** The recipe every cell starts from, as submitted (without its axes). */
  base: jsonb("base").notNull(),
  axes: jsonb("axes").notNull(),
  cells: jsonb("cells").$type<string[]>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Images uploaded or drawn in the browser, decoded and re-encoded as PNG. */
export const uploads = pgTable("uploads", {
  id: text("id").primaryKey(),
  path: text("path").notNull(),
  width: integer("width").notNull(),
  height: integer("height").notNull(),
  /** The format the upload was decoded from (png, jpeg, webp, …). */
  format: text("format").notNull(),
  bytes: integer("bytes").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Training runs launched from the dashboard; the run directory holds the trainer's own files. */
export const trainingRuns = pgTable("training_runs", {
  id: text("id").primaryKey(),
  config: text("config").notNull(),
  overrides: jsonb("overrides").$type<Record<string, unknown>>().notNull().default({}),
  /**
   * The trainer's run states plus `queued` (waiting for a worker) and `cancelling` (asked to stop; its worker saves a
   * checkpoint first); `error` is kept for rows of earlier versions.
   */
  status: text("status", {
    enum: ["queued", "created", "running", "cancelling", "done", "failed", "error", "cancelled"],
  }).notNull(),
  /** Where the run's files live in the artifact store (`runs/<id>`); once the run directory of a detached process. */
  runDir: text("run_dir").notNull(),
  pid: integer("pid"),
  error: text("error"),
  queue: text("queue"),
  /** The pg-boss job of its current session (a resumed run gets a new one). */
  jobId: text("job_id"),
  worker: text("worker"),
  attempts: integer("attempts").notNull().default(0),
  /** Progress as the worker last reported it, so the dashboard's list needs no run files. */
  step: integer("step").notNull().default(0),
  totalSteps: integer("total_steps").notNull().default(0),
  lastLoss: real("last_loss"),
  /** The admission estimate it was accepted with (MB). */
  memoryMb: integer("memory_mb"),
  promotedModelId: text("promoted_model_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

/** Models promoted from finished runs; they join the embedded defaults in the registry. */
export const promotedModels = pgTable("promoted_models", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  runId: text("run_id").notNull(),
  /** Directory (relative to the data directory) holding the exported model and its card. */
  dir: text("dir").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every job's progress events, in order: the live stream a page follows, whichever host runs the job. `id` is the
 * stream position a reconnecting page resumes after. Writers `pg_notify('job_events', job_id)` so followers wake.
 */
export const jobEvents = pgTable(
  "job_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: text("job_id").notNull(),
    event: jsonb("event").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("job_events_job_id_id").on(t.jobId, t.id)],
);

/**
 * The artifact store when hosts share only the database: images, uploads, run files and promoted models, by key
 * (`generations/<id>/000.png`, `runs/<id>/checkpoints/latest.json`, …).
 */
export const files = pgTable("files", {
  key: text("key").primaryKey(),
  bytes: bytea("bytes").notNull(),
  size: integer("size").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
