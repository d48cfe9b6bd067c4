import fs from "node:fs/promises";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { JobWithMetadata } from "pg-boss";
import { generations, type StoredImage } from "../db/schema.ts";
import type { JobEvent, JobImage } from "../shared/jobs.ts";
import type { WorkerTask } from "../shared/task.ts";
import { artifactUrl } from "../shared/urls.ts";
import type { WorkerEvent, WorkerImage } from "../worker/protocol.ts";
import { CancelledError } from "./child-process.ts";
import type { HostContext } from "./host-context.ts";
import { generationJob, parseJob } from "./schemas.ts";

/**
 * Runs one generation job on this host: marks its row running, runs the recipe in an executor process, sends each
 * picture to the store as it appears and its event to the log, and records the result exactly once. A job whose row
 * is already finished (a retry after the result landed, or a cancel) is skipped, so a retried job never yields a
 * second result.
 */
export async function runGenerationJob(host: HostContext, job: JobWithMetadata<unknown>): Promise<void> {
  const data = parseJob(generationJob, job.name, job.data);
  const id = data.generationId;
  const started = await host.db
    .update(generations)
    .set({ status: "running", worker: host.name, attempts: sql`${generations.attempts} + 1` })
    .where(and(eq(generations.id, id), inArray(generations.status, ["queued", "running"])))
    .returning({ id: generations.id });
  if (started.length === 0) return;
  await host.events.append<JobEvent>(id, { type: "started", worker: host.name, attempt: job.retryCount + 1 });

  const scratch = path.join(host.scratchDir, "generations", id);
  const t0 = Date.now();
  try {
    const task: WorkerTask = {
      recipe: data.recipe,
      model: { info: data.model.info, format: data.model.format, file: await host.models.resolve(data.model.ref) },
      inputs: {
        ...(data.inputs.image ? { image: await host.fetch(`artifacts/${data.inputs.image}`, scratch) } : {}),
        ...(data.inputs.mask ? { mask: await host.fetch(`artifacts/${data.inputs.mask}`, scratch) } : {}),
      },
      artifactsDir: scratch,
      device: host.device,
      threads: host.threads,
      outputPrefix: path.join("generations", id),
    };
    const publish = async (image: WorkerImage): Promise<JobImage> => {
      await host.store.put(`artifacts/${image.path}`, await fs.readFile(path.join(scratch, image.path)));
      return { url: artifactUrl(image.path), label: image.label, width: image.width, height: image.height };
    };
    // Events are published in order, one at a time, each after its pictures are in the store. A failure (the
    // database restarting) fails the attempt once the recipe has run; the retry makes the same bytes.
    let chain = Promise.resolve();
    let publishError: unknown;
    const onEvent = (e: WorkerEvent) => {
      chain = chain
        .then(async () => {
          if (publishError) return;
          const event: JobEvent =
            e.type === "image"
              ? { type: "image", image: await publish(e.image) }
              : { ...e, previews: await Promise.all(e.previews.map(publish)) };
          await host.events.append<JobEvent>(id, event);
        })
        .catch((err: unknown) => {
          publishError ??= err;
        });
    };
    const images = await host.generators.run(id, task, job.signal, onEvent);
    await chain;
    if (publishError) throw publishError;
    const results = await Promise.all(images.map(publish));
    const stored: StoredImage[] = images.map((i) => ({
      path: i.path,
      label: i.label,
      width: i.width,
      height: i.height,
    }));
    const finished = await host.db
      .update(generations)
      .set({ status: "done", images: stored, error: null, finishedAt: new Date() })
      .where(and(eq(generations.id, id), eq(generations.status, "running")))
      .returning({ id: generations.id });
    if (finished.length > 0) {
      await host.events.append<JobEvent>(id, { type: "done", images: results, seconds: (Date.now() - t0) / 1000 });
    }
  } catch (err) {
    // Cancelled (the canceller recorded it) or no longer ours (another worker has it): nothing to report.
    if (err instanceof CancelledError || job.signal.aborted) return;
    const message = err instanceof Error ? err.message : String(err);
    console.warn(`generation ${id}: attempt ${job.retryCount + 1} of ${job.retryLimit + 1} failed: ${message}`);
    if (job.retryCount >= job.retryLimit) {
      await host.db
        .update(generations)
        .set({ status: "error", error: message, finishedAt: new Date() })
        .where(and(eq(generations.id, id), eq(generations.status, "running")));
      await host.events.append<JobEvent>(id, { type: "error", message });
    } else {
      await host.db.update(generations).set({ status: "queued" }).where(eq(generations.id, id));
      await host.events.append<JobEvent>(id, { type: "retrying", message });
    }
    throw err;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
