import type { Database } from "../db/client.ts";
import type { WorkerTask } from "../shared/task.ts";
import type { WorkerEvent, WorkerImage } from "../worker/protocol.ts";
import type { JobEventLog } from "./events.ts";
import type { Device } from "./queues.ts";
import type { ArtifactStore } from "./store.ts";
import type { RunEvent } from "./training-events.ts";
import type { TrainingResult, TrainingTask } from "./training-task.ts";

/** Runs tasks in executor processes; `signal` cancels. */
export interface Executors<Task, Event, Result> {
  run(jobId: string, task: Task, signal: AbortSignal, onEvent: (e: Event) => void): Promise<Result>;
}

/** What a worker host gives the job runners: where it is, what it shares with the portal, and its executors. */
export interface HostContext {
  /** WORKER_NAME: shown on the Workers page and recorded on the rows it runs. */
  readonly name: string;
  readonly device: Device;
  /** ONNX Runtime threads per executor. */
  readonly threads: number;
  readonly db: Database;
  readonly events: JobEventLog;
  readonly store: ArtifactStore;
  /** Per-job scratch space on this host. */
  readonly scratchDir: string;
  readonly models: { resolve(ref: string): Promise<string> };
  /** Copies a stored file into `dir` (same relative key) and returns its local path. */
  fetch(key: string, dir: string): Promise<string>;
  readonly generators: Executors<WorkerTask, WorkerEvent, WorkerImage[]>;
  readonly trainers: Executors<TrainingTask, RunEvent, TrainingResult>;
  /** The most memory one training run may take on this host (MB). */
  readonly trainingMemoryMb: number;
}
