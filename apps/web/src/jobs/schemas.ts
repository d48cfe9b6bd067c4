/**
 * The payloads of the job queues: one schema, imported by the portal that enqueues and the worker that runs, so a
 * job is checked where it is made and again where it is taken (a worker of another version fails it clearly).
 */
import { z } from "zod";
import type { ModelInfo } from "../shared/models.ts";
import { recipe } from "../shared/recipes.ts";

/**
 * Where a worker finds a model, valid on any host: an embedded model of the checkout (`embedded:<id>`), a file in
 * the artifact store (`store:models/<id>.onnx`), or a path configured on every host alike (`path:/abs/file`).
 */
export const modelRef = z
  .string()
  .regex(/^(embedded:[\w.-]+|store:models\/[\w.-]+\.onnx|path:\/.+)$/, "model.ref: not a model reference");

const modelInfo = z.custom<ModelInfo>(
  (v) => typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string",
  "model.info: not a model description",
);

/** Store key of an uploaded image (`uploads/<id>.png`). */
const uploadKey = z.string().regex(/^uploads\/[\w-]+\.png$/, "inputs: not an upload key");

export const generationJob = z.object({
  generationId: z.uuid(),
  recipe,
  model: z.object({ info: modelInfo, format: z.enum(["cs180-onnx", "deepfloyd-if"]), ref: modelRef }),
  inputs: z.object({ image: uploadKey.optional(), mask: uploadKey.optional() }),
});
export type GenerationJob = z.infer<typeof generationJob>;

export const trainingJob = z.object({
  runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/, "runId: not a run name"),
  experiment: z.string().min(1).max(100),
  overrides: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});
export type TrainingJob = z.infer<typeof trainingJob>;

/** Parses a job's data, naming the queue and the problem when a producer and a worker disagree. */
export function parseJob<T>(schema: z.ZodType<T>, queue: string, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`).join("; ");
    throw new Error(`job on ${queue} is malformed (${detail}); is this worker the portal's version?`);
  }
  return parsed.data;
}
