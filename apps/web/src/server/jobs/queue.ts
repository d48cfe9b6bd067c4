import type { JobEvent, JobState } from "@/shared/jobs";

/** A job's event with its position in the job's stream, so a reconnecting subscriber can resume after `seq`. */
export interface SequencedEvent {
  readonly seq: number;
  readonly event: JobEvent;
}

export interface QueueStats {
  readonly running: number;
  readonly waiting: number;
  readonly limit: number;
  readonly workers: number;
}

/** Thrown by `submit` when the queue is full: the caller should answer "busy, retry after N s". */
export class QueueBusyError extends Error {
  constructor(readonly retryAfterS: number) {
    super(`the job queue is full; retry after ${retryAfterS} s`);
    this.name = "QueueBusyError";
  }
}

/**
 * Where inference jobs go. The local implementation runs them in worker processes on this host; a multi-host
 * backend (a broker with workers elsewhere) can implement the same interface.
 */
export interface JobQueue {
  /** Accepts a job or throws `QueueBusyError`; never drops an accepted job silently. */
  submit(jobId: string, task: unknown): void;
  /** Asks a queued or running job to stop. Returns false when the job is unknown or already finished. */
  cancel(jobId: string): boolean;
  state(jobId: string): JobState | undefined;
  /** Replays the job's events after `afterSeq`, then follows it live until it finishes or `signal` aborts. */
  events(jobId: string, opts: { afterSeq?: number; signal?: AbortSignal }): AsyncIterable<SequencedEvent>;
  /** Called once per job with its final event (done, error or cancelled). */
  onFinished(listener: (jobId: string, event: JobEvent) => void): void;
  stats(): QueueStats;
  close(): Promise<void>;
}
