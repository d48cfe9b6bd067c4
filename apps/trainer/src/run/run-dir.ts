import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { validateConfig } from "../config/resolve.js";
import type { ExperimentConfig } from "../config/schema.js";
import { readJson, writeJsonAtomic } from "./files.js";
import { runPaths } from "./layout.js";

export type RunState = "created" | "running" | "done" | "failed" | "cancelled";

/** status.json: what a watcher needs to know without replaying the events. */
export interface RunStatus {
  readonly state: RunState;
  readonly experiment: string;
  /** The process training the run while `running` (to cancel it, or to notice it died). */
  readonly pid: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly message?: string;
  /** When `cancelRun` asked the running process to stop (a second SIGINT would make it quit without a checkpoint). */
  readonly stopRequestedAt?: string;
}

/** A run directory that already exists: runs are never overwritten. */
export class RunExistsError extends Error {
  constructor(readonly dir: string) {
    super(`run directory ${dir} already exists; choose another --out, or continue it with --resume ${dir}`);
    this.name = "RunExistsError";
  }
}

export class RunNotFoundError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`${dir} is not a run directory: ${reason}`);
    this.name = "RunNotFoundError";
  }
}

/** Creates a fresh run directory holding the resolved config. Refuses an existing path (checked atomically). */
export function createRunDir(dir: string, config: ExperimentConfig): string {
  const resolved = path.resolve(dir);
  mkdirSync(path.dirname(resolved), { recursive: true });
  try {
    mkdirSync(resolved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new RunExistsError(dir);
    throw error;
  }
  const paths = runPaths(resolved);
  mkdirSync(paths.checkpoints);
  mkdirSync(paths.grids);
  writeJsonAtomic(paths.config, validateConfig(config));
  const now = new Date().toISOString();
  writeStatus(resolved, {
    state: "created",
    experiment: config.experiment,
    pid: null,
    createdAt: now,
    updatedAt: now,
    step: 0,
    totalSteps: 0,
  });
  return resolved;
}

/** The validated config of an existing run. */
export function readRunConfig(dir: string): ExperimentConfig {
  const paths = runPaths(dir);
  if (!existsSync(paths.config)) throw new RunNotFoundError(dir, "it has no config.json");
  return validateConfig(readJson(paths.config));
}

export function readStatus(dir: string): RunStatus {
  const paths = runPaths(dir);
  if (!existsSync(paths.status)) throw new RunNotFoundError(dir, "it has no status.json");
  return readJson<RunStatus>(paths.status);
}

export function writeStatus(dir: string, status: RunStatus): void {
  writeJsonAtomic(runPaths(dir).status, status);
}

export function updateStatus(dir: string, change: Partial<Omit<RunStatus, "createdAt" | "experiment">>): RunStatus {
  const next = { ...readStatus(dir), ...change, updatedAt: new Date().toISOString() };
  writeStatus(dir, next);
  return next;
}

/** Whether a process with this id exists (signal 0 only checks). */
export function processAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
