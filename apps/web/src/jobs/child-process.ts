import { type ChildProcess, fork } from "node:child_process";

/** How long a cancelled task may take to stop (a training run saves its checkpoint) before its process is killed. */
export interface ChildOptions {
  readonly script: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cancelGraceMs: number;
}

/**
 * One executor process speaking the worker protocol: `run` → `event`* → `finished` | `failed`. The process ends
 * itself when its parent goes away (IPC disconnect), so a killed worker leaves nothing running.
 */
export class ChildExecutor<Task, Event, Result> {
  private child?: ChildProcess;
  private busy = false;

  constructor(private readonly opts: ChildOptions) {}

  get idle(): boolean {
    return !this.busy;
  }

  /** Runs one task; rejects with the task's error, or `CancelledError` once `signal` aborted it. */
  run(jobId: string, task: Task, signal: AbortSignal, onEvent: (e: Event) => void): Promise<Result> {
    if (this.busy) throw new Error("executor is busy");
    this.busy = true;
    const child = this.ensure();
    return new Promise<Result>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        clearTimeout(killTimer);
        signal.removeEventListener("abort", onAbort);
        child.off("message", onMessage);
        child.off("exit", onExit);
        this.busy = false;
      };
      const onAbort = () => {
        if (child.connected) child.send({ type: "cancel", jobId });
        killTimer = setTimeout(() => child.kill("SIGKILL"), this.opts.cancelGraceMs);
      };
      const onMessage = (m: FromChild<Event, Result>) => {
        if (!("jobId" in m) || m.jobId !== jobId) return;
        if (m.type === "event") return onEvent(m.event);
        cleanup();
        if (m.type === "finished") resolve(m.result);
        else reject(m.cancelled ? new CancelledError() : new Error(m.message));
      };
      const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
        cleanup();
        reject(signal.aborted ? new CancelledError() : new Error(`worker process stopped (${sig ?? `exit ${code}`})`));
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      child.send({ type: "run", jobId, task });
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  private ensure(): ChildProcess {
    if (this.child?.connected && this.child.exitCode === null) return this.child;
    const child = fork(this.opts.script, [], {
      serialization: "advanced",
      env: { ...process.env, ...this.opts.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("error", () => child.kill("SIGKILL"));
    child.once("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    return child;
  }
}

export class CancelledError extends Error {
  constructor() {
    super("cancelled");
    this.name = "CancelledError";
  }
}

/** What an executor process sends back. */
export type FromChild<Event, Result> =
  | { readonly type: "ready" }
  | { readonly type: "event"; readonly jobId: string; readonly event: Event }
  | { readonly type: "finished"; readonly jobId: string; readonly result: Result }
  | { readonly type: "failed"; readonly jobId: string; readonly message: string; readonly cancelled: boolean };

export type ToChild<Task> =
  | { readonly type: "run"; readonly jobId: string; readonly task: Task }
  | { readonly type: "cancel"; readonly jobId: string };
