import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalJobQueue } from "@/server/jobs/local-queue";
import { QueueBusyError } from "@/server/jobs/queue";
import type { JobEvent } from "@/shared/jobs";

const workerScript = path.resolve(import.meta.dirname, "../fixtures/echo-worker.mjs");
let queue: LocalJobQueue | undefined;

afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

async function collect(q: LocalJobQueue, id: string): Promise<JobEvent[]> {
  const out: JobEvent[] = [];
  for await (const e of q.events(id, {})) out.push(e.event);
  return out;
}

describe("LocalJobQueue", () => {
  it("runs a job in a worker process and streams its progress in order", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 1, maxWaiting: 4 });
    queue.submit("a", { steps: 3 });
    const events = await collect(queue, "a");
    expect(events.map((e) => e.type)).toEqual(["queued", "started", "progress", "progress", "progress", "done"]);
    const done = events.at(-1);
    expect(done?.type === "done" && done.images[0]?.url).toBe("/api/artifacts/generations/a/0.png");
    expect(queue.state("a")).toBe("done");
  });

  it("answers busy with a retry-after once the waiting room is full, and loses no accepted job", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 2, maxWaiting: 5 });
    const accepted: string[] = [];
    let busy = 0;
    for (let i = 0; i < 30; i++) {
      try {
        queue.submit(`j${i}`, { steps: 2, stepMs: 30 });
        accepted.push(`j${i}`);
      } catch (err) {
        expect(err).toBeInstanceOf(QueueBusyError);
        expect((err as QueueBusyError).retryAfterS).toBeGreaterThanOrEqual(1);
        busy++;
      }
    }
    // Two start on the workers at once, five wait, the rest are told to come back later.
    expect(accepted.length).toBe(7);
    expect(busy).toBe(23);
    const finals = await Promise.all(accepted.map(async (id) => (await collect(queue!, id)).at(-1)?.type));
    expect(finals).toEqual(accepted.map(() => "done"));
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it("cancels a waiting job at once and a running job through its worker", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 1, maxWaiting: 4 });
    queue.submit("run", { steps: 50, stepMs: 20 });
    queue.submit("wait", { steps: 1 });
    expect(queue.cancel("wait")).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(queue.cancel("run")).toBe(true);
    expect((await collect(queue, "run")).at(-1)?.type).toBe("cancelled");
    expect((await collect(queue, "wait")).at(-1)?.type).toBe("cancelled");
    expect(queue.cancel("run")).toBe(false);
  });

  it("kills a worker that ignores cancellation and carries on with a fresh one", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 1, maxWaiting: 4, cancelGraceMs: 100 });
    queue.submit("stuck", { steps: 1000, stepMs: 20, ignoreCancel: true });
    queue.submit("next", { steps: 1 });
    await new Promise((r) => setTimeout(r, 100));
    queue.cancel("stuck");
    expect((await collect(queue, "stuck")).at(-1)?.type).toBe("cancelled");
    expect((await collect(queue, "next")).at(-1)?.type).toBe("done");
  });

  it("a second cancel of a running job does not kill the worker while it runs the next job", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 1, maxWaiting: 4, cancelGraceMs: 300 });
    queue.submit("first", { steps: 50, stepMs: 20 });
    queue.submit("second", { steps: 30, stepMs: 20 }); // 600 ms: still running when a stray kill timer would fire
    await new Promise((r) => setTimeout(r, 100));
    expect(queue.cancel("first")).toBe(true);
    expect(queue.cancel("first")).toBe(true);
    expect((await collect(queue, "first")).at(-1)?.type).toBe("cancelled");
    expect((await collect(queue, "second")).at(-1)?.type).toBe("done");
  });

  it("reports a crashed worker as an error and keeps serving", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 1, maxWaiting: 4 });
    queue.submit("crash", { steps: 3, crash: true });
    queue.submit("fail", { steps: 1, fail: true });
    queue.submit("ok", { steps: 1 });
    const crash = (await collect(queue, "crash")).at(-1);
    expect(crash).toMatchObject({ type: "error", message: expect.stringContaining("exit 3") });
    expect((await collect(queue, "fail")).at(-1)).toMatchObject({ type: "error", message: "boom" });
    expect((await collect(queue, "ok")).at(-1)?.type).toBe("done");
  });

  it("replays only the events after a given sequence number", async () => {
    queue = new LocalJobQueue({ workerScript, workers: 1, maxWaiting: 4 });
    queue.submit("r", { steps: 2 });
    await collect(queue, "r");
    const tail: number[] = [];
    for await (const e of queue.events("r", { afterSeq: 2 })) tail.push(e.seq);
    expect(tail).toEqual([3, 4]);
  });
});
