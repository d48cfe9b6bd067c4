import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect, test } from "@playwright/test";
import { finishAll, imageBytes, mutate, query, recipes, SMALL_RUN, until } from "./jobs-support";
import { startPortal, stop } from "./support";

test.describe.configure({ timeout: 12 * 60_000 });

interface Run {
  status: { state: string; step: number };
  error: string | null;
}

/**
 * The embedded default (PGlite in the portal, jobs in the portal's own executor processes), restarted in the middle of
 * a training run and of queued generations: after the restart every job finishes once, generations with the bytes of
 * an undisturbed run, and the training run continues from its last checkpoint.
 */
test("the embedded job system survives a portal restart mid-run", async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-embedded-"));
  const env = { DATA_DIR: dataDir, WORKERS: "1" };
  let portal = await startPortal(env);
  try {
    const distinct = recipes(3);
    const reference = await finishAll(
      portal.url,
      (await Promise.all(distinct.map((r) => mutate<{ id: string }>(portal.url, "generations.create", r)))).map(
        (r) => r.id,
      ),
      180_000,
    );
    const referenceBytes = await Promise.all(reference.map((g) => imageBytes(portal.url, g)));

    const run = await mutate<{ id: string }>(portal.url, "training.start", SMALL_RUN);
    const submitted = Array.from({ length: 9 }, (_, i) => distinct[i % distinct.length]!);
    const ids = (
      await Promise.all(submitted.map((r) => mutate<{ id: string }>(portal.url, "generations.create", r)))
    ).map((r) => r.id);
    await until(
      "the run to pass its first checkpoint",
      async () => {
        const r = await query<Run>(portal.url, "training.get", { id: run.id });
        return r.status.state === "running" && r.status.step >= 10 ? true : undefined;
      },
      240_000,
    );

    await stop(portal.child);
    portal = await startPortal(env);

    const finished = await finishAll(portal.url, ids, 360_000);
    expect(finished.map((g) => g.status)).toEqual(ids.map(() => "done"));
    for (const [i, g] of finished.entries()) {
      expect(await imageBytes(portal.url, g), `generation ${i}`).toEqual(referenceBytes[i % distinct.length]);
    }
    const ended = await until(
      "the run to finish",
      async () => {
        const r = await query<Run>(portal.url, "training.get", { id: run.id });
        return ["done", "failed", "cancelled"].includes(r.status.state) ? r : undefined;
      },
      360_000,
    );
    expect(ended.status.state, ended.error ?? "").toBe("done");
    await stop(portal.child);

    // The run's own event log: a second session that started from a checkpoint, and one end.
    const trainerEvents = (await fs.readFile(path.join(dataDir, "runs", run.id, "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; resumedAtStep?: number });
    const starts = trainerEvents.filter((e) => e.type === "started");
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.at(-1)!.resumedAtStep).toBeGreaterThan(0);
    expect(trainerEvents.filter((e) => e.type === "done")).toHaveLength(1);

    // Exactly once, and nothing left behind, as the portal's database records it.
    const db = await PGlite.create(path.join(dataDir, "db"));
    try {
      const done = await db.query<{ job_id: string; n: number }>(
        "select job_id, count(*)::int as n from job_events where event->>'type' = 'done' group by job_id",
      );
      for (const id of ids) expect(done.rows.find((r) => r.job_id === id)?.n, `done events of ${id}`).toBe(1);
      const open = await db.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active')",
      );
      expect(open.rows[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  } finally {
    await stop(portal.child).catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
