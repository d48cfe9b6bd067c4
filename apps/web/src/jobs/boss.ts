import { fromPglite, PgBoss } from "pg-boss";
import type { OpenedDatabase } from "../db/client.ts";
import { ALL_QUEUES, DEAD_LETTERS, parseQueueName, QUEUE_OPTIONS } from "./queues.ts";

export interface BossOptions {
  /** Shown on the Workers page (pg-boss's instance registry). */
  readonly instanceName: string;
  /** Run pg-boss's supervisor here (expire jobs with stale heartbeats, retry, dead-letter). */
  readonly supervise: boolean;
}

/**
 * pg-boss on the portal's database: on PGlite through its single connection (embedded, the portal process is its
 * only client), on PostgreSQL with its own pool and LISTEN/NOTIFY so idle workers on other hosts wake at once.
 * Creates every queue (idempotent), so portal and workers may start in any order.
 */
export async function startBoss(database: OpenedDatabase, opts: BossOptions): Promise<PgBoss> {
  const common = {
    instanceName: opts.instanceName,
    supervise: opts.supervise,
    // A dead worker's job should be retried within seconds, not the default minute.
    superviseIntervalSeconds: 2,
    monitorIntervalSeconds: 10,
    // The Workers page lists a host from its first registry heartbeat (default every 30 s).
    instanceHeartbeatSeconds: 5,
    schedule: false,
    openTelemetry: { enabled: false },
  } as const;
  const boss =
    "pglite" in database.boss
      ? new PgBoss({ ...common, db: fromPglite(database.boss.pglite), backend: "pglite" })
      : new PgBoss({ ...common, connectionString: database.boss.url, max: 4, useListenNotify: true });
  boss.on("error", (err: Error) => console.warn(`jobs: ${err.message}`));
  await boss.start({ attempts: 5 });
  await ensureQueues(boss);
  return boss;
}

async function ensureQueues(boss: PgBoss): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  if (!existing.has(DEAD_LETTERS)) await boss.createQueue(DEAD_LETTERS, { retentionSeconds: 30 * 24 * 3600 });
  for (const name of ALL_QUEUES) {
    const parsed = parseQueueName(name);
    if (!parsed || existing.has(name)) continue;
    await boss.createQueue(name, QUEUE_OPTIONS[parsed.kind]).catch((err: Error) => {
      // Another process created it between our read and our create.
      if (!/exists/i.test(err.message)) throw err;
    });
  }
}
