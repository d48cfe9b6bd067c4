import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startPostgres, type TestPostgres } from "../support/postgres";
import {
  finishAll,
  type Generation,
  imageBytes,
  mutate,
  query,
  recipes,
  SMALL_RUN,
  startWorker,
  stopWorker,
  until,
  type WorkerProcess,
} from "./jobs-support";
import { startPortal, stop } from "./support";

test.describe.configure({ timeout: 15 * 60_000 });

interface Run {
  status: { state: string; step: number };
  worker: string | null;
  error: string | null;
}

/**
 * The job system on a real PostgreSQL 15, as a team runs it: a portal that only serves and enqueues (WORKERS=0) and
 * three worker processes. One worker is killed with SIGKILL in the middle of a training run and PostgreSQL is
 * restarted with `-m immediate` while jobs run; every accepted job still finishes exactly once with the bytes an
 * undisturbed run makes, and nothing is left running or locked.
 */
test("three workers on PostgreSQL survive a killed worker and a database crash", async () => {
  const pg: TestPostgres = await startPostgres();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-pg-"));
  const workers: WorkerProcess[] = [];
  let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
  try {
    portal = await startPortal({ DATABASE_URL: pg.url, WORKERS: "0", DATA_DIR: dataDir });
    const url = portal.url;
    for (const name of ["w1", "w2", "w3"]) workers.push(await startWorker(name, { DATABASE_URL: pg.url }));
    await until(
      "three live workers",
      async () => {
        const o = await query<{ workers: { name: string; live: boolean }[] }>(url, "system.workers");
        return o.workers.filter((w) => w.live).length === 3 ? true : undefined;
      },
      60_000,
    );

    // An undisturbed pass gives the reference bytes of each recipe.
    const distinct = recipes(5);
    const referenceIds = await Promise.all(distinct.map((r) => mutate<{ id: string }>(url, "generations.create", r)));
    const reference = await finishAll(
      url,
      referenceIds.map((r) => r.id),
      180_000,
    );
    expect(reference.map((g) => g.status)).toEqual(distinct.map(() => "done"));
    const referenceBytes = await Promise.all(reference.map((g) => imageBytes(url, g)));

    // The disturbed pass: two training runs and 30 generations.
    const runs = await Promise.all([0, 1].map(() => mutate<{ id: string }>(url, "training.start", SMALL_RUN)));
    const submitted = Array.from({ length: 30 }, (_, i) => distinct[i % distinct.length]!);
    const ids = (await Promise.all(submitted.map((r) => mutate<{ id: string }>(url, "generations.create", r)))).map(
      (r) => r.id,
    );

    // Kill the worker training the first run once that run has a checkpoint: it must resume on another worker.
    const runA = runs[0]!.id;
    const victim = await until(
      "run A to pass a checkpoint",
      async () => {
        const r = await query<Run>(url, "training.get", { id: runA });
        return r.status.state === "running" && r.status.step >= 10 && r.worker ? r.worker : undefined;
      },
      240_000,
    );
    const killed = workers.find((w) => w.name === victim);
    expect(killed, `run A's worker ${victim}`).toBeDefined();
    killed!.child.kill("SIGKILL");
    // PostgreSQL crashes and comes back while the other workers are mid-job.
    await pg.restartImmediate();

    const finished: Generation[] = await finishAll(url, ids, 480_000);
    expect(finished.map((g) => g.status)).toEqual(ids.map(() => "done"));
    for (const [i, g] of finished.entries()) {
      expect(await imageBytes(url, g), `generation ${i} (seed ${submitted[i]!.seed})`).toEqual(
        referenceBytes[i % distinct.length],
      );
    }
    const ended = await until(
      "both training runs to finish",
      async () => {
        const all = await Promise.all(runs.map((r) => query<Run>(url, "training.get", { id: r.id })));
        return all.every((r) => ["done", "failed", "cancelled"].includes(r.status.state)) ? all : undefined;
      },
      480_000,
    );
    expect(
      ended.map((r) => r.status.state),
      `runs: ${ended.map((r) => r.error).join(" | ")}\n${workers.map((w) => `--- ${w.name}\n${w.log()}`).join("\n")}`,
    ).toEqual(["done", "done"]);

    // Exactly once: one `done` event per generation; run A started twice, the second time elsewhere, from a checkpoint.
    const doneEvents = await pg.query<{ job_id: string; n: number }>(
      "select job_id, count(*)::int as n from job_events where event->>'type' = 'done' group by job_id",
    );
    for (const id of ids) expect(doneEvents.find((e) => e.job_id === id)?.n, `done events of ${id}`).toBe(1);
    const starts = await pg.query<{ event: { resumedAtStep: number } }>(
      "select event from job_events where job_id = $1 and event->>'type' = 'started' order by id",
      [runA],
    );
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.at(-1)!.event.resumedAtStep).toBeGreaterThan(0);
    const [rowA] = await pg.query<{ worker: string; attempts: number }>(
      "select worker, attempts from training_runs where id = $1",
      [runA],
    );
    expect(rowA!.worker).not.toBe(victim);

    // Nothing left running, queued or locked.
    for (const w of workers) await stopWorker(w);
    const open = await pg.query<{ n: number }>(
      "select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active')",
    );
    expect(open[0]!.n).toBe(0);
    const busyRows = await pg.query<{ n: number }>(
      `select (select count(*) from generations where status in ('queued', 'running'))
            + (select count(*) from training_runs where status in ('queued', 'created', 'running', 'cancelling')) as n`,
    );
    expect(Number(busyRows[0]!.n)).toBe(0);
    const locks = await pg.query<{ n: number }>("select count(*)::int as n from pg_locks where locktype = 'advisory'");
    expect(locks[0]!.n).toBe(0);
  } finally {
    for (const w of workers) await stopWorker(w).catch(() => undefined);
    if (portal) await stop(portal.child);
    await pg.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
