import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

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
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
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
  status: text("status", { enum: ["running", "done", "error", "cancelled"] }).notNull(),
  runDir: text("run_dir").notNull(),
  pid: integer("pid"),
  error: text("error"),
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
