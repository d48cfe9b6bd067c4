import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { isLoopback } from "./server/binding";

const schema = z.object({
  HOST: z.string().default("127.0.0.1"),
  /** Where the database (PGlite), uploads and artifacts live. Relative paths are resolved from the app directory. */
  DATA_DIR: z.string().default(".data"),
  /** Use a real PostgreSQL instead of the embedded PGlite. */
  DATABASE_URL: z.string().url().optional(),
  /** Shared secret for every call when exposed (mutations always); required whenever the portal is not loopback-only. */
  TEAM_TOKEN: z.string().min(16, "TEAM_TOKEN must be at least 16 characters").optional(),
  /**
   * Host names (optionally `name:port`, comma-separated) the portal answers besides its loopback names, e.g. the name
   * a reverse proxy forwards. An exposed portal with none set answers any Host (the team token guards it).
   */
  ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((h) => h.trim())
        .filter(Boolean),
    ),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /**
   * Generation executor processes of this portal's own worker host (the embedded default); 0 = the portal runs no
   * jobs and only serves pages and enqueues (workers on other hosts take them: `pnpm worker`).
   */
  WORKERS: z.coerce.number().int().min(0).max(16).default(1),
  /** Training runs this portal's worker host takes at once (when WORKERS > 0). */
  WORKER_TRAININGS: z.coerce.number().int().min(0).max(8).default(1),
  /** Name of this portal's worker host on the Workers page (default portal@<hostname>). */
  WORKER_NAME: z.string().max(100).optional(),
  /** The device queues this portal's worker host takes (cpu or cuda). */
  WORKER_DEVICE: z.enum(["cpu", "cuda"]).default("cpu"),
  /** The device queue new generations and runs are sent to. */
  JOB_DEVICE: z.enum(["cpu", "cuda"]).default("cpu"),
  /** Most model evaluations one generation may ask for (batch × steps × CFG branches × model cost). */
  GENERATION_MAX_EVALS: z.coerce.number().int().min(100).max(1e9).default(200_000),
  /** Most memory one training run may take (MB); larger runs are refused before they are queued. */
  TRAINING_MAX_MEMORY_MB: z.coerce
    .number()
    .int()
    .min(256)
    .max(1024 * 1024)
    .default(Math.max(1024, Math.min(16_384, Math.floor((os.totalmem() / 2 ** 20) * 0.5)))),
  /** Where job files live: the data directory, or the database (default when DATABASE_URL is set: hosts share it). */
  ARTIFACT_STORE: z.enum(["directory", "database"]).optional(),
  /** ONNX Runtime threads per worker; default: the cores shared evenly between the workers. */
  INFERENCE_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  /** Jobs that may wait for a worker before new ones are answered with "busy". */
  QUEUE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Offer the trainer's committed default models (the tests turn them off to start from an empty registry). */
  EMBEDDED_MODELS: z
    .enum(["0", "1", "false", "true"])
    .default("1")
    .transform((v) => v === "1" || v === "true"),
  /** Extra models (`<id>.onnx` files exported by the trainer) to offer besides the promoted ones. */
  MODELS_DIR: z.string().optional(),
  /**
   * A DeepFloyd IF export (`tooling/deepfloyd/export_if.py export --out DIR`: manifest.json, ONNX stages, prompt
   * embeddings). When set, "DeepFloyd IF" joins the galleries and the lab; a missing or broken export is reported on
   * the home page instead of stopping the portal. Relative paths are resolved from the app directory.
   */
  DEEPFLOYD_DIR: z.string().optional(),
  /** The compiled worker entry (built by `tsc -p tsconfig.worker.json`). */
  WORKER_SCRIPT: z.string().default("dist/worker/main.js"),
});

export type Env = z.infer<typeof schema> & {
  dataDir: string;
  exposed: boolean;
  workerScript: string;
  inferenceThreads: number;
};

/** Validates the environment once. The only module that reads `process.env` (the trainer child gets a copy). */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${detail}`);
  }
  const env = parsed.data;
  return {
    ...env,
    // Resolved at run time from where the server starts; not something the bundler should trace.
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.DATA_DIR),
    workerScript: path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.WORKER_SCRIPT),
    MODELS_DIR: env.MODELS_DIR ? path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.MODELS_DIR) : undefined,
    DEEPFLOYD_DIR: env.DEEPFLOYD_DIR
      ? path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.DEEPFLOYD_DIR)
      : undefined,
    // The instrumentation hook sets HOST to the address actually bound before anything reads it.
    exposed: !isLoopback(env.HOST),
    inferenceThreads:
      env.INFERENCE_THREADS ?? Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, env.WORKERS))),
  };
}
