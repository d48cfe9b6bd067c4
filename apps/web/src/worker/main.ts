/**
 * Entry point of an inference worker process. It receives one task at a time from the portal over IPC, runs it off
 * the portal's request thread, and reports progress, images and the outcome.
 */
import type { WorkerTask } from "../shared/task.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { runTask } from "./run-task.js";

let current: { jobId: string; abort: AbortController } | undefined;

function send(m: FromWorker): void {
  process.send?.(m);
}

process.on("message", (m: ToWorker) => {
  if (m.type === "cancel") {
    if (current?.jobId === m.jobId) current.abort.abort(new Error("cancelled"));
    return;
  }
  const abort = new AbortController();
  current = { jobId: m.jobId, abort };
  runTask(m.task as WorkerTask, {
    signal: abort.signal,
    emit: (event) => send({ type: "event", jobId: m.jobId, event }),
  })
    .then((images) => send({ type: "finished", jobId: m.jobId, images }))
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
    });
});

// The portal going away (crash or restart) must not leave orphaned workers behind.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
