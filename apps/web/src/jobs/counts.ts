import type { PgBoss } from "pg-boss";

export interface QueueCounts {
  readonly name: string;
  readonly waiting: number;
  readonly active: number;
  readonly failed: number;
}

/**
 * Exact job counts per queue, read from pg-boss's job table now (its `getQueues` counts are refreshed by the
 * monitor, up to a minute late, which is too stale for "busy" decisions and the header).
 */
export async function jobCounts(boss: PgBoss, queues: readonly string[], db = boss.getDb()): Promise<QueueCounts[]> {
  const { rows } = await db.executeSql(
    `select name, state, count(*)::int as n from pgboss.job
      where name = any($1::text[]) and state in ('created', 'retry', 'active', 'failed')
      group by name, state`,
    [queues],
  );
  return queues.map((name) => {
    const of = (...states: string[]) =>
      rows.filter((r) => r.name === name && states.includes(r.state)).reduce((n, r) => n + Number(r.n), 0);
    return { name, waiting: of("created", "retry"), active: of("active"), failed: of("failed") };
  });
}
