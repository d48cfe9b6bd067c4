import type { PgBoss } from "pg-boss";

/** 1-based place of a waiting job in its queue (0 once it is no longer waiting), in the order workers take them. */
export async function queuePosition(boss: PgBoss, queue: string, jobId: string): Promise<number> {
  return (await readOrder(boss, queue)).get(jobId) ?? 0;
}

/** How long a followed job's place may be stale: half of a follower's 1 s quiet poll. */
const FOLLOW_TTL_MS = 500;
const orders = new WeakMap<
  PgBoss,
  Map<string, { readonly at: number; readonly order: Promise<Map<string, number>> }>
>();

/**
 * `queuePosition` for pages that follow waiting jobs, from one listing of the queue per half second however many
 * follow it: each listing reads every waiting job, so one per follower and poll made the cost quadratic (200
 * followed jobs starved the embedded database of the queries that run them). A job sent since the listing is at 0
 * until the next one.
 */
export async function followedQueuePosition(boss: PgBoss, queue: string, jobId: string): Promise<number> {
  const byQueue = orders.get(boss) ?? new Map();
  orders.set(boss, byQueue);
  let entry = byQueue.get(queue);
  if (!entry || Date.now() - entry.at > FOLLOW_TTL_MS) {
    entry = { at: Date.now(), order: readOrder(boss, queue) };
    byQueue.set(queue, entry);
    // A failed listing is not kept: the next follower reads again.
    entry.order.catch(() => byQueue.delete(queue));
  }
  return (await entry.order).get(jobId) ?? 0;
}

/** Every waiting job's place, in the order workers take them (priority first, then age). */
async function readOrder(boss: PgBoss, queue: string): Promise<Map<string, number>> {
  const waiting = await boss.findJobs(queue, { queued: true, limit: 10_000 });
  const ordered = [...waiting].sort((a, b) => b.priority - a.priority || a.createdOn.getTime() - b.createdOn.getTime());
  return new Map(ordered.map((j, k) => [j.id, k + 1]));
}
