import type { PgBoss } from "pg-boss";

/** 1-based place of a waiting job in its queue (0 once it is no longer waiting), in the order workers take them. */
export async function queuePosition(boss: PgBoss, queue: string, jobId: string): Promise<number> {
  const waiting = await boss.findJobs(queue, { queued: true, limit: 10_000 });
  const ordered = [...waiting].sort((a, b) => b.priority - a.priority || a.createdOn.getTime() - b.createdOn.getTime());
  return ordered.findIndex((j) => j.id === jobId) + 1;
}
