import type { Queue } from "pg-boss";

/** Where a job can run. A worker takes the queues of its own device only. */
export const DEVICES = ["cpu", "cuda"] as const;
export type Device = (typeof DEVICES)[number];

/** The kinds of work; each kind × device is one pg-boss queue. */
export const JOB_KINDS = ["generate", "train"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Jobs that failed every attempt are copied here, kept and shown on the Workers page with a retry button. */
export const DEAD_LETTERS = "dead-letters";

export function queueName(kind: JobKind, device: Device): string {
  return `${kind}-${device}`;
}

export function parseQueueName(name: string): { kind: JobKind; device: Device } | undefined {
  const [kind, device] = name.split("-");
  if (!JOB_KINDS.includes(kind as JobKind) || !DEVICES.includes(device as Device)) return undefined;
  return { kind: kind as JobKind, device: device as Device };
}

export const ALL_QUEUES: readonly string[] = JOB_KINDS.flatMap((k) => DEVICES.map((d) => queueName(k, d)));

/**
 * Heartbeats: a worker touches its jobs every second; one silent for 10 s (pg-boss's minimum) is failed by the
 * supervisor and retried on another worker. A cancel (pg-boss `cancel`) shows up at the next touch, which aborts the
 * job's signal on whichever host runs it.
 */
export const HEARTBEAT_SECONDS = 10;
export const HEARTBEAT_REFRESH_SECONDS = 1;

/** Queue policies per kind: retries with exponential backoff, heartbeats, dead letters, a hard time limit. */
export const QUEUE_OPTIONS: Record<JobKind, Omit<Queue, "name">> = {
  generate: {
    retryLimit: 2,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 30,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    // The admission cap keeps a generation well under this; a job still active after it is failed.
    expireInSeconds: 15 * 60,
    deadLetter: DEAD_LETTERS,
    notify: true,
  },
  train: {
    // A run resumes from its last checkpoint on each retry, so a few worker deaths cost little.
    retryLimit: 5,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    expireInSeconds: 24 * 60 * 60,
    deadLetter: DEAD_LETTERS,
    notify: true,
  },
};

/** Interactive generations go before bulk ones (parameter grids); training has a queue of its own. */
export const PRIORITY = { interactive: 10, bulk: 0 } as const;
