import fs from "node:fs/promises";
import path from "node:path";
import type { JobWithMetadata, PgBoss } from "pg-boss";
import type { Database } from "../db/client.ts";
import type { WorkerTask } from "../shared/task.ts";
import type { WorkerEvent, WorkerImage } from "../worker/protocol.ts";
import type { JobEventLog } from "./events.ts";
import { ExecutorPool } from "./executor-pool.ts";
import { runGenerationJob } from "./generation-runner.ts";
import type { HostContext } from "./host-context.ts";
import { modelResolver } from "./model-resolver.ts";
import { type Device, HEARTBEAT_REFRESH_SECONDS, type JobKind, queueName } from "./queues.ts";
import type { ArtifactStore } from "./store.ts";
import type { RunEvent } from "./training-events.ts";
import { runTrainingJob } from "./training-runner.ts";
import type { TrainingResult, TrainingTask } from "./training-task.ts";

export interface WorkerHostOptions {
  readonly name: string;
  readonly device: Device;
  /** Generations and training runs this host runs at once (0 = it takes none of that kind). */
  readonly generations: number;
  readonly trainings: number;
  readonly threads: number;
  readonly trainingMemoryMb: number;
  /** Scratch space and caches of this host. */
  readonly workDir: string;
  /** Compiled executor entry points (`dist/worker/main.js`, `dist/worker/train-main.js`). */
  readonly generationScript: string;
  readonly trainingScript: string;
}

export interface HostServices {
  readonly db: Database;
  readonly boss: PgBoss;
  readonly events: JobEventLog;
  readonly store: ArtifactStore;
}

/**
 * Takes jobs from this device's queues and runs each in an executor process: the portal's own children in the
 * embedded default, `pnpm worker` on any other host. pg-boss heartbeats every claimed job, so a cancel or a lost
 * claim aborts the job here, and a job of a dead host is retried elsewhere.
 */
export class WorkerHost {
  private readonly generators: ExecutorPool<WorkerTask, WorkerEvent, WorkerImage[]>;
  private readonly trainers: ExecutorPool<TrainingTask, RunEvent, TrainingResult>;
  private readonly context: HostContext;
  private readonly workIds: { queue: string; id: string }[] = [];

  constructor(
    private readonly services: HostServices,
    private readonly opts: WorkerHostOptions,
  ) {
    this.generators = new ExecutorPool(opts.generations, { script: opts.generationScript, cancelGraceMs: 3000 });
    // A cancelled run finishes its step and saves a checkpoint first.
    this.trainers = new ExecutorPool(opts.trainings, { script: opts.trainingScript, cancelGraceMs: 60_000 });
    const scratchDir = path.join(opts.workDir, "scratch");
    this.context = {
      name: opts.name,
      device: opts.device,
      threads: opts.threads,
      trainingMemoryMb: opts.trainingMemoryMb,
      db: services.db,
      events: services.events,
      store: services.store,
      scratchDir,
      models: modelResolver(services.store),
      fetch: async (key, dir) => {
        const bytes = await services.store.get(key);
        if (!bytes) throw new Error(`input: '${key}' is not in the store`);
        const file = path.join(dir, "inputs", path.basename(key));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, bytes);
        return file;
      },
      generators: this.generators,
      trainers: this.trainers,
    };
  }

  async start(): Promise<void> {
    await this.work("generate", this.opts.generations, runGenerationJob);
    await this.work("train", this.opts.trainings, runTrainingJob);
  }

  /** Wakes this host's idle worker of a kind (a job was just enqueued in this process), instead of its next poll. */
  wake(kind: JobKind): void {
    const queue = queueName(kind, this.opts.device);
    for (const w of this.workIds) if (w.queue === queue) this.services.boss.notifyWorker(w.id);
  }

  /** Stops taking jobs, lets running ones end (a training run checkpoints) and stops the executors. */
  async stop(): Promise<void> {
    await Promise.all(this.workIds.map((w) => this.services.boss.offWork(w.queue, { id: w.id, wait: false })));
    await Promise.all([this.generators.close(), this.trainers.close()]);
  }

  private async work(
    kind: JobKind,
    concurrency: number,
    run: (host: HostContext, job: JobWithMetadata<unknown>) => Promise<void>,
  ): Promise<void> {
    if (concurrency < 1) return;
    const queue = queueName(kind, this.opts.device);
    const id = await this.services.boss.work(
      queue,
      {
        localConcurrency: concurrency,
        batchSize: 1,
        includeMetadata: true,
        heartbeatRefreshSeconds: HEARTBEAT_REFRESH_SECONDS,
        pollingIntervalSeconds: 0.5,
        notifyPollingIntervalSeconds: 2,
      },
      async (jobs) => {
        try {
          for (const job of jobs) await run(this.context, job);
        } finally {
          // pg-boss would wait out its polling interval before the next fetch; a queue with more work should not.
          setImmediate(() => this.services.boss.notifyWorker(id));
        }
      },
    );
    this.workIds.push({ queue, id });
  }
}
