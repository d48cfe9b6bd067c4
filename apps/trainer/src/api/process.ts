import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ConfigOverrides, resolveConfig } from "../config/resolve.js";
import { runPaths } from "../run/layout.js";
import { createRunDir, processAlive, type RunState, readRunConfig, readStatus, updateStatus } from "../run/run-dir.js";
import { hasFinalEvent } from "./runs.js";

export interface StartRunOptions {
  /** A named experiment for a new run… */
  readonly experiment?: string;
  readonly overrides?: ConfigOverrides;
  /** …in this new directory (default: `<root>/<experiment>-<timestamp>`). */
  readonly dir?: string;
  readonly root?: string;
  /** Or: continue this existing run from its latest checkpoint. */
  readonly resume?: string;
  readonly threads?: number;
  /** The CLI script to run (default: this package's built `dist/cli.js`). */
  readonly cliPath?: string;
}

export interface StartedRun {
  readonly dir: string;
  readonly pid: number;
  /** The child's stdout and stderr. */
  readonly log: string;
}

export class RunBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`${dir} is already being trained by process ${pid}`);
    this.name = "RunBusyError";
  }
}

function defaultCliPath(): string {
  return fileURLToPath(new URL("../cli.js", import.meta.url));
}

/** A new run's directory name: the experiment and the time to the millisecond (`flow-class-20261205-080237014`). */
export function newRunName(experiment: string, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.(\d+)Z$/, "$1")
    .replace("T", "-");
  return `${experiment}-${stamp}`;
}

/**
 * Starts training in a detached child process (its own process group, stdio to `<run>/train.log`), so the run goes on
 * when the caller exits or crashes. Config errors and an existing directory throw here, before anything starts.
 * Follow the run with `watchRun`, stop it with `cancelRun`.
 */
export function startRun(options: StartRunOptions): StartedRun {
  let dir: string;
  if (options.resume) {
    dir = path.resolve(options.resume);
    readRunConfig(dir);
    const status = readStatus(dir);
    // `created` with a live pid is a resume whose child is still loading.
    if ((status.state === "running" || status.state === "created") && status.pid !== null && processAlive(status.pid)) {
      throw new RunBusyError(dir, status.pid);
    }
  } else {
    if (!options.experiment) throw new Error("startRun needs `experiment` (a new run) or `resume` (a run directory)");
    const config = resolveConfig(options.experiment, options.overrides ?? {});
    dir = path.resolve(options.dir ?? path.join(options.root ?? "runs", newRunName(config.experiment)));
    createRunDir(dir, config);
  }
  const cli = options.cliPath ?? defaultCliPath();
  const fail = (message: string) => {
    updateStatus(dir, { state: "failed", pid: null, message });
    return new Error(message);
  };
  if (!existsSync(cli)) throw fail(`trainer CLI not found at ${cli}; build @diffusion-studio/trainer first`);
  // A resumed run is `created` again until its child says `running`: its old final state would end a watcher
  // before the new process starts. Written before the spawn, so it can never overwrite the child's own status.
  updateStatus(dir, { state: "created", pid: null, message: undefined, stopRequestedAt: undefined });
  const log = runPaths(dir).log;
  const args = [cli, "train", "--resume", dir, ...(options.threads ? ["--threads", String(options.threads)] : [])];
  let pid: number | undefined;
  try {
    const fd = openSync(log, "a");
    try {
      const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", fd, fd], env: process.env });
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw fail(`could not start training (log ${log}): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (pid === undefined) throw fail(`could not start ${process.execPath} ${args.join(" ")}`);
  // Record the pid at once, so that watchers notice a child that dies before it starts training (the child needs
  // over a second to load; if it has already written its own status, that one stands).
  if (readStatus(dir).state === "created") updateStatus(dir, { pid });
  return { dir, pid, log };
}

/**
 * Asks a running run to stop (SIGINT: it finishes the current step and saves a checkpoint) and waits for it to end.
 * Returns the run's final state. A run whose process died without saying so is marked `failed`.
 */
export async function cancelRun(dir: string, { timeoutMs = 120_000, pollMs = 200 } = {}): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  let status = readStatus(dir);
  // A run started a moment ago may not have written its pid yet (allow it 30 s to start).
  const startDeadline = Math.min(deadline, Date.now() + 30_000);
  while (status.state === "created" && status.pid !== null && processAlive(status.pid) && Date.now() < startDeadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    status = readStatus(dir);
  }
  if (status.state === "created" && status.pid !== null && !processAlive(status.pid)) {
    return updateStatus(dir, { state: "failed", pid: null, message: "the training process died before it started" })
      .state;
  }
  if (status.state !== "running" || status.pid === null) return status.state;
  if (!processAlive(status.pid)) {
    return updateStatus(dir, { state: "failed", pid: null, message: "the training process died" }).state;
  }
  const pid = status.pid;
  // One stop request per session: the trainer takes a second SIGINT as "quit now", without its checkpoint. A request
  // older than the timeout is sent again (the caller has waited that long already).
  const earlier = status.stopRequestedAt ? Date.parse(status.stopRequestedAt) : Number.NaN;
  if (!(Date.now() - earlier < timeoutMs)) {
    updateStatus(dir, { stopRequestedAt: new Date().toISOString() });
    process.kill(pid, "SIGINT");
  }
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, pollMs));
    status = readStatus(dir);
    // The run writes its final status, then its final event: it has ended once both are there (or it is gone).
    const alive = processAlive(pid);
    // Another process owns the run now (it ended and was resumed meanwhile): its status is not ours to change.
    if (status.pid !== null && status.pid !== pid) return status.state;
    if (status.state !== "running" && (hasFinalEvent(dir) || !alive)) return status.state;
    if (!alive) return updateStatus(dir, { state: "failed", pid: null, message: "the training process died" }).state;
  }
  throw new Error(`${dir}: still running ${timeoutMs} ms after the stop request`);
}
