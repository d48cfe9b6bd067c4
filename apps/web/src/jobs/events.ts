import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Database, Listen } from "../db/client.ts";
import { jobEvents } from "../db/schema.ts";

export const EVENTS_CHANNEL = "job_events";

/** An event with its position in the job's stream (the id a reconnecting page resumes after). */
export interface StoredEvent<E> {
  readonly seq: number;
  readonly event: E;
}

export interface FollowOptions<E> {
  /** Resume after this position (exclusive). */
  readonly after?: number;
  readonly signal?: AbortSignal;
  /** Whether an event ends the job's stream. */
  readonly isFinal: (event: E) => boolean | Promise<boolean>;
  /**
   * Asked when the stream is quiet: whether the job has ended without a final event after the position (a row
   * finished by another path) — with the final event to send, or "end" to close — so a stream always ends with its job.
   */
  readonly endedWith?: () => Promise<E | "end" | undefined>;
  /**
   * Asked when the stream is quiet and the job goes on: an event worth sending that nobody writes to the log (a
   * waiting job's queue position, which moves as other jobs start), or undefined. Sent at the current position.
   */
  readonly whileQuiet?: () => Promise<E | undefined>;
}

/** How long a follower waits for a notification before looking again (notifications are lost while reconnecting). */
const QUIET_POLL_MS = 1000;

/**
 * Every job's progress events in the database, so a page follows a job whichever host runs it: writers append and
 * NOTIFY, followers read after their position and sleep until notified (or a short poll passes).
 */
export class JobEventLog {
  private readonly waiters = new Map<string, Set<() => void>>();
  private stopListening?: () => Promise<void>;

  constructor(private readonly db: Database) {}

  /** Starts waking followers on notifications; without it they poll. */
  async listen(listen: Listen): Promise<void> {
    this.stopListening = await listen(
      EVENTS_CHANNEL,
      (jobId) => this.wake(jobId),
      () => this.wakeAll(),
    );
  }

  async close(): Promise<void> {
    await this.stopListening?.();
    this.wakeAll();
  }

  async append<E>(jobId: string, event: E): Promise<number> {
    const [row] = await this.db.insert(jobEvents).values({ jobId, event }).returning({ id: jobEvents.id });
    await this.db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${jobId})`);
    // In-process followers need no round trip through the database.
    this.wake(jobId);
    return row?.id ?? 0;
  }

  async read<E>(jobId: string, after = 0, limit = 500): Promise<StoredEvent<E>[]> {
    const rows = await this.db
      .select({ id: jobEvents.id, event: jobEvents.event })
      .from(jobEvents)
      .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.id, after)))
      .orderBy(asc(jobEvents.id))
      .limit(limit);
    return rows.map((r) => ({ seq: r.id, event: r.event as E }));
  }

  async deleteJob(jobId: string): Promise<void> {
    await this.db.delete(jobEvents).where(eq(jobEvents.jobId, jobId));
  }

  /** The job's events after `after`, then live ones, until its final event (or `signal` aborts). */
  async *follow<E>(jobId: string, opts: FollowOptions<E>): AsyncGenerator<StoredEvent<E>, void, undefined> {
    let after = opts.after ?? 0;
    while (!opts.signal?.aborted) {
      const batch = await this.read<E>(jobId, after);
      for (const e of batch) {
        after = e.seq;
        yield e;
        if (await opts.isFinal(e.event)) return;
      }
      if (batch.length > 0) continue;
      const woken = await this.sleep(jobId, opts.signal);
      if (!woken && opts.endedWith) {
        // Quiet: make sure nothing ended the job without an event (look once more to avoid a race with a writer).
        const final = await opts.endedWith();
        if (final && (await this.read<E>(jobId, after, 1)).length === 0) {
          if (final !== "end") yield { seq: after, event: final };
          return;
        }
      }
      if (!woken && opts.whileQuiet) {
        const update = await opts.whileQuiet();
        if (update) yield { seq: after, event: update };
      }
    }
  }

  private sleep(jobId: string, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const set = this.waiters.get(jobId) ?? new Set();
      this.waiters.set(jobId, set);
      const done = (woken: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(jobId);
        signal?.removeEventListener("abort", onAbort);
        resolve(woken);
      };
      const wake = () => done(true);
      const onAbort = () => done(true);
      const timer = setTimeout(() => done(false), QUIET_POLL_MS);
      set.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private wake(jobId: string): void {
    for (const w of [...(this.waiters.get(jobId) ?? [])]) w();
  }

  private wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w();
  }
}
