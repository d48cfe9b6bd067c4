import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import path from "node:path";
import type { ExperimentConfig } from "../config/schema.js";
import { FINAL_EVENTS, type RunEvent } from "../run/events.js";
import { readJson } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { type MetricRecord, readMetrics } from "../run/metrics.js";
import type { ModelCard } from "../run/model-card.js";
import { processAlive, type RunState, type RunStatus, readRunConfig, readStatus } from "../run/run-dir.js";

export interface RunSummary {
  readonly name: string;
  readonly dir: string;
  readonly experiment: string;
  /** `running` is checked against the process: a run whose process is gone reads `failed`. */
  readonly state: RunState;
  readonly step: number;
  readonly totalSteps: number;
  readonly lastLoss: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A run that should have a live process (running, or started detached) but whose process is gone. */
function isOrphaned(status: RunStatus): boolean {
  const active = status.state === "running" || (status.state === "created" && status.pid !== null);
  return active && !processAlive(status.pid);
}

/** The status with liveness checked: "running" with a dead process is reported as failed. */
export function liveStatus(dir: string): RunStatus {
  const status = readStatus(dir);
  if (isOrphaned(status)) return { ...status, state: "failed", message: "the training process is gone" };
  return status;
}

/** The last complete line of a file, reading only its tail. */
function lastLine(file: string, tailBytes = 4096): string | null {
  if (!existsSync(file)) return null;
  const size = statSync(file).size;
  const length = Math.min(size, tailBytes);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const lines = buffer.toString("utf8").split("\n").filter(Boolean);
  return lines.at(-1) ?? null;
}

/** status.json records the step at checkpoints; the metrics have every logged step since. */
function stepsDone(status: RunStatus, lastLoggedStep: number | undefined): number {
  return Math.max(status.step, lastLoggedStep ?? 0);
}

function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** Whether events.jsonl ends with a final event (done, cancelled or failed): the run's process has said its last. */
export function hasFinalEvent(dir: string): boolean {
  // A failed event carries a stack trace: read enough of the tail to hold a whole one.
  const line = lastLine(runPaths(dir).events, 256 * 1024);
  if (!line) return false;
  try {
    return FINAL_EVENTS.has((JSON.parse(line) as RunEvent).type);
  } catch {
    return false;
  }
}

/**
 * Whether a run has said its last: events.jsonl ends with a final event and no process is (re)starting it. A final
 * event followed by more, or one while a resumed run is `created` or `running`, only ended an earlier session.
 * A reader that has read up to byte `offset` passes it: the run has ended for it only if nothing follows.
 */
export function runHasEnded(dir: string, offset?: number): boolean {
  if (offset !== undefined && fileSize(runPaths(dir).events) !== offset) return false;
  if (!hasFinalEvent(dir)) return false;
  // The status as written, not as checked against the process: a resumed child that died before writing anything
  // has not ended its session with the old final event; watchers report it as failed instead.
  const { state } = readStatus(dir);
  return state !== "created" && state !== "running";
}

/** The runs under `root` (directories holding a config.json), newest first. */
export function listRuns(root: string): RunSummary[] {
  if (!existsSync(root)) return [];
  const runs: RunSummary[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    const paths = runPaths(dir);
    if (!existsSync(paths.config) || !existsSync(paths.status)) continue;
    const status = liveStatus(dir);
    let last: MetricRecord | undefined;
    try {
      const line = lastLine(paths.metrics);
      if (line) last = JSON.parse(line) as MetricRecord;
    } catch {
      last = undefined;
    }
    runs.push({
      name: entry.name,
      dir,
      experiment: status.experiment,
      state: status.state,
      step: stepsDone(status, last?.step),
      totalSteps: status.totalSteps,
      lastLoss: last?.loss ?? null,
      createdAt: status.createdAt,
      updatedAt: status.updatedAt,
    });
  }
  return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Events from byte `offset` on, and the offset after the last complete line (pass it back to read only new ones). */
export function readEvents(dir: string, offset = 0): { events: RunEvent[]; offset: number } {
  const file = runPaths(dir).events;
  const size = fileSize(file);
  if (size <= offset) return { events: [], offset };
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  const end = buffer.lastIndexOf(0x0a);
  if (end < 0) return { events: [], offset };
  const events = buffer
    .subarray(0, end)
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent);
  return { events, offset: offset + end + 1 };
}

export interface WatchOptions {
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  /** Byte offset in events.jsonl to start from (0 replays the whole run). */
  readonly offset?: number;
}

const FINAL_STATES: ReadonlySet<RunState> = new Set(["done", "cancelled", "failed"]);

/** The final event a run that ended without writing one would have written, as far as status.json tells. */
function eventForFinalStatus(status: RunStatus): RunEvent {
  const time = new Date().toISOString();
  if (status.state === "cancelled") return { type: "cancelled", time, step: status.step, checkpoint: null };
  const error =
    status.state === "failed"
      ? (status.message ?? "the run failed")
      : `the run is marked ${status.state} but wrote no final event`;
  return { type: "failed", time, step: status.step, error };
}

/** Events read together, and the byte offset after them (pass it back as `offset` to go on from there). */
export interface EventBatch {
  readonly events: readonly RunEvent[];
  readonly offset: number;
}

/**
 * Typed progress events of a run as they are written, until its final event (done, cancelled or failed). A resumed
 * run's earlier sessions end with final events too; the watch goes on through them (see `runHasEnded`). If the
 * process dies without a final event, a `failed` one is synthesised so that a watcher never waits forever.
 */
export async function* watchRun(dir: string, options: WatchOptions = {}): AsyncGenerator<RunEvent, void, undefined> {
  for await (const batch of watchRunBatches(dir, options)) yield* batch.events;
}

/** `watchRun` in batches with their byte offsets, for a gateway whose clients reconnect where they left off. */
export async function* watchRunBatches(
  dir: string,
  options: WatchOptions = {},
): AsyncGenerator<EventBatch, void, undefined> {
  const pollMs = options.pollMs ?? 500;
  let offset = options.offset ?? 0;
  let quietPolls = 0;
  // A final status.json is written just before the final event; only a status that stays final with no event
  // across two liveness checks means the event will never come (a crash in between, or a waiter marked it failed).
  let finalWithoutEvent = false;
  // A client reconnecting after the final event has nothing left to read.
  if (runHasEnded(dir, offset)) return;
  while (!options.signal?.aborted) {
    const batch = readEvents(dir, offset);
    offset = batch.offset;
    if (batch.events.length > 0) {
      yield batch;
      if (runHasEnded(dir, offset)) return;
      quietPolls = 0;
      finalWithoutEvent = false;
    } else if (++quietPolls % 4 === 0) {
      // Check liveness only now and then; a run that has not started yet has no pid.
      const status = readStatus(dir);
      if (isOrphaned(status)) {
        const tail = readEvents(dir, offset);
        offset = tail.offset;
        if (tail.events.length > 0) yield tail;
        if (tail.events.some((e) => FINAL_EVENTS.has(e.type))) return;
        const error = `the training process (pid ${status.pid}) ended without a final event; see ${runPaths(dir).log}`;
        yield { events: [{ type: "failed", time: new Date().toISOString(), step: status.step, error }], offset };
        return;
      }
      if (FINAL_STATES.has(status.state)) {
        if (finalWithoutEvent) {
          yield { events: [eventForFinalStatus(status)], offset };
          return;
        }
        finalWithoutEvent = true;
      } else finalWithoutEvent = false;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface RunArtifacts {
  readonly dir: string;
  readonly config: ExperimentConfig;
  readonly status: RunStatus;
  readonly metrics: readonly MetricRecord[];
  /** Absolute paths of the per-epoch grids, in epoch order. */
  readonly grids: readonly string[];
  readonly lossCurve: string | null;
  readonly trajectory: string | null;
  readonly model: string | null;
  readonly card: ModelCard | null;
  readonly evaluation: Readonly<Record<string, unknown>> | null;
  readonly log: string | null;
}

/** Everything a finished (or running) run has produced so far. */
export function readArtifacts(dir: string): RunArtifacts {
  const paths = runPaths(dir);
  const ifExists = (file: string) => (existsSync(file) ? file : null);
  const grids = existsSync(paths.grids)
    ? readdirSync(paths.grids)
        .filter((f) => f.endsWith(".png"))
        .sort()
        .map((f) => path.join(paths.grids, f))
    : [];
  const metrics = readMetrics(paths.metrics);
  const status = liveStatus(dir);
  return {
    dir,
    config: readRunConfig(dir),
    status: { ...status, step: stepsDone(status, metrics.at(-1)?.step) },
    metrics,
    grids,
    lossCurve: ifExists(paths.lossPng),
    trajectory: ifExists(paths.trajectoryGif),
    model: ifExists(paths.model),
    card: existsSync(paths.cardJson) ? readJson<ModelCard>(paths.cardJson) : null,
    evaluation: existsSync(paths.evaluation) ? readJson<Record<string, unknown>>(paths.evaluation) : null,
    log: ifExists(paths.log),
  };
}
