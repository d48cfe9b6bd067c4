import fs from "node:fs/promises";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { JobWithMetadata } from "pg-boss";
import { trainingRuns } from "../db/schema.ts";
import { CancelledError } from "./child-process.ts";
import type { HostContext } from "./host-context.ts";
import { parseJob, trainingJob } from "./schemas.ts";
import { trainerApi } from "./trainer-api.ts";
import type { RunEvent } from "./training-events.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run files go to the store at these events, so the dashboard and a worker that takes over see them. */
const SYNC_AT: ReadonlySet<RunEvent["type"]> = new Set(["checkpoint", "epoch", "evaluation", "done", "cancelled"]);

/**
 * Runs (or continues) one training run on this host: its directory comes from the store (a run another worker
 * started resumes from its last checkpoint), an executor process trains it, its events go to the log and its files
 * back to the store at every checkpoint, epoch and end.
 */
export async function runTrainingJob(host: HostContext, job: JobWithMetadata<unknown>): Promise<void> {
  const data = parseJob(trainingJob, job.name, job.data);
  const id = data.runId;
  const taken = await host.db
    .update(trainingRuns)
    .set({ status: "running", worker: host.name, attempts: sql`${trainingRuns.attempts} + 1` })
    .where(and(eq(trainingRuns.id, id), inArray(trainingRuns.status, ["queued", "created", "running"])))
    .returning({ memoryMb: trainingRuns.memoryMb });
  const row = taken[0];
  if (!row) return;
  const prefix = `runs/${id}`;
  const fail = async (message: string) => {
    await host.db
      .update(trainingRuns)
      .set({ status: "failed", error: message, finishedAt: new Date() })
      .where(eq(trainingRuns.id, id));
    await host.events.append<RunEvent>(id, { type: "failed", time: new Date().toISOString(), step: 0, error: message });
  };
  if ((row.memoryMb ?? 0) > host.trainingMemoryMb) {
    // Admission happens before queueing; this catches a worker with a smaller limit than the portal assumed.
    const message = `memory: the run needs about ${row.memoryMb} MB, more than this worker's limit of ${host.trainingMemoryMb} MB`;
    await fail(message);
    throw new Error(message);
  }

  const dir = await host.store.localDir(prefix);
  const api = await trainerApi();
  const hasConfig = await fs.access(path.join(dir, "config.json")).then(
    () => true,
    () => false,
  );
  if (!hasConfig) {
    api.createRunDir(dir, api.resolveConfig(data.experiment, data.overrides));
    await host.store.pushDir(dir, prefix);
  }
  // The previous attempt's executor may still be saving its checkpoint here (its worker host was restarted): two
  // processes must never train one directory, so wait for it (a shared directory store is the only such case).
  if (host.store.kind === "directory") {
    const deadline = Date.now() + 60_000;
    while (api.liveStatus(dir).state === "running" && Date.now() < deadline) await sleep(500);
  }
  // A store of files has no empty folders: a run restored on another host gets the ones the trainer writes into.
  const layout = api.runPaths(dir);
  for (const folder of [layout.grids, layout.checkpoints]) await fs.mkdir(folder, { recursive: true });

  // The row turns final before the final event is logged, so a page that sees the event finds the run ended.
  const finish = async (status: "done" | "cancelled", from: "running" | "cancelling") => {
    await host.db
      .update(trainingRuns)
      .set({ status, finishedAt: new Date() })
      .where(and(eq(trainingRuns.id, id), eq(trainingRuns.status, from)));
  };
  // Progress is best effort while the run trains (a restarting database must not stop it): a failed update is
  // logged and the next one catches up; pushes only send what changed, so the next sync resends what failed.
  let sync = Promise.resolve();
  const onEvent = (event: RunEvent) => {
    sync = sync
      .then(async () => {
        if (SYNC_AT.has(event.type)) await host.store.pushDir(dir, prefix);
        if (event.type === "done") await finish("done", "running");
        if (event.type === "cancelled") await finish("cancelled", "cancelling");
        if (event.type === "step" || event.type === "started") {
          const progress =
            event.type === "step"
              ? { step: event.step, totalSteps: event.totalSteps, lastLoss: event.loss }
              : { step: event.resumedAtStep, totalSteps: event.totalSteps };
          await host.db.update(trainingRuns).set(progress).where(eq(trainingRuns.id, id));
        }
        await host.events.append<RunEvent>(id, event);
      })
      .catch((err: unknown) =>
        console.warn(`run ${id}: ${event.type} not recorded (${err instanceof Error ? err.message : String(err)})`),
      );
  };
  try {
    const result = await host.trainers.run(id, { dir, threads: host.threads }, job.signal, onEvent);
    await sync;
    await host.store.pushDir(dir, prefix);
    await finish(result.state, result.state === "done" ? "running" : "cancelling");
    // Stopped because the claim was lost (not cancelled): the row stays with the worker that has the job now.
  } catch (err) {
    await sync;
    if (err instanceof CancelledError) await finish("cancelled", "cancelling");
    if (err instanceof CancelledError || job.signal.aborted) return;
    const message = err instanceof Error ? err.message : String(err);
    console.warn(`run ${id}: attempt ${job.retryCount + 1} of ${job.retryLimit + 1} failed: ${message}`);
    await host.store.pushDir(dir, prefix).catch(() => undefined);
    if (job.retryCount >= job.retryLimit) await fail(message);
    else {
      await host.db.update(trainingRuns).set({ status: "queued" }).where(eq(trainingRuns.id, id));
    }
    throw err;
  }
}
