import { type ChildProcess, fork } from "node:child_process";
import type { JobEvent, JobImage, JobState } from "@/shared/jobs";
import { isTerminal } from "@/shared/jobs";
import { artifactUrl } from "@/shared/urls";
import type { FromWorker, ToWorker, WorkerImage } from "@/worker/protocol";
import { type JobQueue, QueueBusyError, type QueueStats, type SequencedEvent } from "./queue";

export interface LocalQueueOptions {
  /** The compiled worker entry point. */
  readonly workerScript: string;
  readonly workers: number;
  /** Jobs allowed to wait for a worker; beyond that `submit` throws QueueBusyError. */
  readonly maxWaiting: number;
  /** Extra environment for the workers. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long a cancelled job may take to stop before its worker is killed. */
  readonly cancelGraceMs?: number;
}

interface Job {
  readonly id: string;
  readonly task: unknown;
  state: JobState;
  readonly events: SequencedEvent[];
  readonly images: JobImage[];
  readonly waiters: Set<() => void>;
  startedAt?: number;
  worker?: Slot;
}

interface Slot {
  child: ChildProcess;
  job?: Job;
  killTimer?: NodeJS.Timeout;
}

/** Finished jobs kept in memory for late subscribers; older ones are answered from the database. */
const KEEP_FINISHED = 200;

/** A bounded queue feeding a fixed pool of worker processes on this host. */
export class LocalJobQueue implements JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly slots: Slot[] = [];
  private readonly finished: string[] = [];
  private readonly listeners: ((jobId: string, event: JobEvent) => void)[] = [];
  /** Moving average of job duration, for the retry-after estimate. */
  private avgSeconds = 5;
  private closed = false;

  constructor(private readonly opts: LocalQueueOptions) {}

  submit(jobId: string, task: unknown): void {
    if (this.closed) throw new Error("the job queue is shut down");
    if (this.jobs.has(jobId)) throw new Error(`job ${jobId} was already submitted`);
    if (this.waiting.length >= this.opts.maxWaiting) throw new QueueBusyError(this.retryAfter());
    const job: Job = { id: jobId, task, state: "queued", events: [], images: [], waiters: new Set() };
    this.jobs.set(jobId, job);
    this.waiting.push(job);
    this.emit(job, { type: "queued", position: this.waiting.length });
    this.pump();
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || (job.state !== "queued" && job.state !== "running")) return false;
    if (job.state === "queued") {
      this.waiting.splice(this.waiting.indexOf(job), 1);
      this.finish(job, { type: "cancelled" });
      return true;
    }
    const slot = job.worker!;
    // Already stopping: a second timer would outlive this job and kill the worker in the middle of the next one.
    if (slot.killTimer) return true;
    this.send(slot, { type: "cancel", jobId });
    // A model call cannot be interrupted; if the worker does not stop in time, it is replaced.
    slot.killTimer = setTimeout(() => slot.child.kill("SIGKILL"), this.opts.cancelGraceMs ?? 3000);
    return true;
  }

  state(jobId: string): JobState | undefined {
    return this.jobs.get(jobId)?.state;
  }

  async *events(jobId: string, opts: { afterSeq?: number; signal?: AbortSignal }): AsyncIterable<SequencedEvent> {
    const job = this.jobs.get(jobId);
    if (!job) return;
    let next = (opts.afterSeq ?? -1) + 1;
    for (;;) {
      while (next < job.events.length) {
        const e = job.events[next++]!;
        yield e;
        if (isTerminal(e.event)) return;
      }
      if (opts.signal?.aborted) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          job.waiters.delete(wake);
          opts.signal?.removeEventListener("abort", wake);
          resolve();
        };
        job.waiters.add(wake);
        opts.signal?.addEventListener("abort", wake, { once: true });
      });
    }
  }

  onFinished(listener: (jobId: string, event: JobEvent) => void): void {
    this.listeners.push(listener);
  }

  stats(): QueueStats {
    return {
      running: this.slots.filter((s) => s.job).length,
      waiting: this.waiting.length,
      limit: this.opts.maxWaiting,
      workers: this.opts.workers,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.waiting]) this.cancel(job.id);
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
            s.child.once("exit", () => resolve());
            s.child.kill("SIGTERM");
          }),
      ),
    );
  }

  private retryAfter(): number {
    const ahead = this.waiting.length + this.slots.filter((s) => s.job).length;
    return Math.max(1, Math.ceil((ahead * this.avgSeconds) / this.opts.workers));
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => !s.job && s.child.connected);
      if (!slot && this.slots.length < this.opts.workers) slot = this.spawn();
      if (!slot) return;
      const job = this.waiting.shift()!;
      slot.job = job;
      job.worker = slot;
      job.state = "running";
      job.startedAt = Date.now();
      this.emit(job, { type: "started" });
      this.send(slot, { type: "run", jobId: job.id, task: job.task });
      this.waiting.forEach((w, i) => {
        this.emit(w, { type: "queued", position: i + 1 });
      });
    }
  }

  private spawn(): Slot {
    const child = fork(this.opts.workerScript, [], {
      serialization: "advanced",
      env: { ...process.env, ...this.opts.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const slot: Slot = { child };
    this.slots.push(slot);
    child.on("message", (m: FromWorker) => this.onMessage(slot, m));
    child.on("error", () => child.kill("SIGKILL"));
    child.on("exit", (code, signal) => {
      clearTimeout(slot.killTimer);
      this.slots.splice(this.slots.indexOf(slot), 1);
      const job = slot.job;
      if (job) {
        slot.job = undefined;
        const cancelled = slot.killTimer !== undefined;
        this.finish(
          job,
          cancelled
            ? { type: "cancelled" }
            : { type: "error", message: `worker stopped (${signal ?? `exit ${code}`})` },
        );
      }
      if (!this.closed) this.pump();
    });
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === "ready") return;
    const job = slot.job;
    if (!job || job.id !== m.jobId) return;
    switch (m.type) {
      case "event":
        if (m.event.type === "image") {
          const image = toJobImage(m.event.image);
          job.images.push(image);
          this.emit(job, { type: "image", image });
        } else {
          this.emit(job, { ...m.event, previews: m.event.previews.map(toJobImage) });
        }
        return;
      case "finished": {
        const seconds = (Date.now() - (job.startedAt ?? Date.now())) / 1000;
        this.avgSeconds = 0.7 * this.avgSeconds + 0.3 * seconds;
        this.release(slot);
        this.finish(job, { type: "done", images: m.images.map(toJobImage), seconds });
        return;
      }
      case "failed":
        this.release(slot);
        this.finish(job, m.cancelled ? { type: "cancelled" } : { type: "error", message: m.message });
        return;
    }
  }

  private release(slot: Slot): void {
    clearTimeout(slot.killTimer);
    slot.killTimer = undefined;
    slot.job = undefined;
    queueMicrotask(() => this.pump());
  }

  private finish(job: Job, event: JobEvent): void {
    job.worker = undefined;
    job.state = event.type === "done" ? "done" : event.type === "cancelled" ? "cancelled" : "error";
    this.emit(job, event);
    for (const l of this.listeners) l(job.id, event);
    this.finished.push(job.id);
    while (this.finished.length > KEEP_FINISHED) this.jobs.delete(this.finished.shift()!);
  }

  private emit(job: Job, event: JobEvent): void {
    job.events.push({ seq: job.events.length, event });
    for (const wake of [...job.waiters]) wake();
  }

  private send(slot: Slot, m: ToWorker): void {
    if (slot.child.connected) slot.child.send(m);
  }
}

function toJobImage(i: WorkerImage): JobImage {
  return { url: artifactUrl(i.path), label: i.label, width: i.width, height: i.height };
}
