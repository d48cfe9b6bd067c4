/**
 * The executor side of the worker protocol: runs one task at a time for its parent (a worker host) and ends when
 * the parent goes away, so a killed worker leaves no process behind.
 */
import type { FromChild, ToChild } from "../jobs/child-process.ts";

export type TaskRunner<Task, Event, Result> = (
  task: Task,
  ctx: { readonly signal: AbortSignal; readonly emit: (event: Event) => void },
) => Promise<Result>;

export function serveTasks<Task, Event, Result>(run: TaskRunner<Task, Event, Result>): void {
  let current: { jobId: string; abort: AbortController } | undefined;
  // After the parent is gone there is nobody to tell; a send then must not crash the task that is saving its work.
  const send = (m: FromChild<Event, Result>) => {
    if (process.connected) process.send?.(m, undefined, undefined, () => undefined);
  };

  process.on("message", (m: ToChild<Task>) => {
    if (m.type === "cancel") {
      if (current?.jobId === m.jobId) current.abort.abort(new Error("cancelled"));
      return;
    }
    const abort = new AbortController();
    current = { jobId: m.jobId, abort };
    run(m.task, { signal: abort.signal, emit: (event) => send({ type: "event", jobId: m.jobId, event }) })
      .then((result) => send({ type: "finished", jobId: m.jobId, result }))
      .catch((err: unknown) =>
        send({
          type: "failed",
          jobId: m.jobId,
          message: err instanceof Error ? err.message : String(err),
          cancelled: abort.signal.aborted,
        }),
      )
      .finally(() => {
        if (current?.jobId === m.jobId) current = undefined;
        if (!process.connected) process.exit(0);
      });
  });

  // The parent going away (crash, kill -9, restart): stop the task as a cancel would (a training run saves its
  // checkpoint, which a retry on this host resumes from), then leave; never outlive the parent by long.
  process.on("disconnect", () => {
    if (!current) process.exit(0);
    current.abort.abort(new Error("worker host went away"));
    setTimeout(() => process.exit(0), 30_000).unref();
  });
  send({ type: "ready" });
}
