import "server-only";
import { inArray } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import type { Database } from "@/db/client";
import { generations, trainingRuns } from "@/db/schema";
import { jobCounts } from "@/jobs/counts";
import { ALL_QUEUES, DEAD_LETTERS } from "@/jobs/queues";
import { ApiError } from "@/shared/errors";

/** What the Workers page shows: every worker with what it runs, the queues, and the dead letters. */
export class Workers {
  constructor(
    private readonly boss: PgBoss,
    private readonly db: Database,
    private readonly requeue: { generation(id: string): Promise<void>; run(id: string): Promise<void> },
  ) {}

  async overview() {
    const [instances, queues, running, deadLetters] = await Promise.all([
      this.boss.getInstances(),
      jobCounts(this.boss, ALL_QUEUES),
      this.running(),
      this.boss.findJobs<Record<string, unknown>>(DEAD_LETTERS, { queued: true, limit: 200 }),
    ]);
    return {
      workers: instances
        .filter((i) => i.workers.length > 0)
        .map((i) => ({
          id: i.id,
          name: i.name ?? `${i.host}:${i.pid}`,
          host: i.host,
          pid: i.pid,
          live: i.live,
          queues: i.workers.map((w) => ({ queue: w.queue, slots: w.localConcurrency, active: w.active })),
          running: running.filter((r) => r.worker === (i.name ?? "")),
          lastHeartbeat: i.heartbeatOn.toISOString(),
          startedAt: i.startedOn.toISOString(),
        })),
      queues,
      deadLetters: deadLetters.map((j) => ({
        id: j.id,
        queue: j.sourceName,
        jobId: j.sourceId,
        subject: String(j.data.generationId ?? j.data.runId ?? j.sourceId ?? j.id),
        error: errorText(j.sourceOutput),
        failedAt: j.createdOn.toISOString(),
      })),
    };
  }

  /** The header's line: jobs running and waiting in every queue, and the live workers. */
  async load(): Promise<{ running: number; waiting: number; workers: number }> {
    const [counts, instances] = await Promise.all([jobCounts(this.boss, ALL_QUEUES), this.boss.getInstances()]);
    return {
      running: counts.reduce((n, q) => n + q.active, 0),
      waiting: counts.reduce((n, q) => n + q.waiting, 0),
      workers: instances.filter((i) => i.live && i.workers.length > 0).length,
    };
  }

  /** Sends a dead-lettered job's work back to its queue as a new job (its row waits again), and drops the letter. */
  async retry(deadLetterId: string): Promise<void> {
    const [job] = await this.boss.findJobs<Record<string, unknown>>(DEAD_LETTERS, { id: deadLetterId });
    if (!job) throw new ApiError("NOT_FOUND", `id: no dead letter '${deadLetterId}'`);
    const { generationId, runId } = job.data;
    if (typeof generationId === "string") await this.requeue.generation(generationId);
    else if (typeof runId === "string") await this.requeue.run(runId);
    else throw new ApiError("PRECONDITION_FAILED", `id: dead letter '${deadLetterId}' is not a generation or a run`);
    await this.boss.deleteJob(DEAD_LETTERS, deadLetterId);
  }

  private async running() {
    const [g, t] = await Promise.all([
      this.db
        .select({ id: generations.id, worker: generations.worker, procedure: generations.procedure })
        .from(generations)
        .where(inArray(generations.status, ["running"])),
      this.db
        .select({ id: trainingRuns.id, worker: trainingRuns.worker, experiment: trainingRuns.config })
        .from(trainingRuns)
        .where(inArray(trainingRuns.status, ["running"])),
    ]);
    return [
      ...g.map((r) => ({ kind: "generation" as const, id: r.id, worker: r.worker, what: r.procedure })),
      ...t.map((r) => ({ kind: "training" as const, id: r.id, worker: r.worker, what: r.experiment })),
    ];
  }
}

function errorText(output: unknown): string {
  if (output && typeof output === "object" && "message" in output)
    return String((output as { message: unknown }).message);
  return output ? JSON.stringify(output).slice(0, 300) : "failed";
}
