import type { ExperimentConfig } from "../config/schema.js";

/**
 * Progress events of a run, one JSON line each in events.jsonl. The portal's dashboard reads these (typed, in order);
 * every event carries `time` (ISO 8601).
 */
export type RunEvent =
  | {
      readonly type: "started";
      readonly time: string;
      readonly pid: number;
      readonly experiment: string;
      readonly config: ExperimentConfig;
      /** Steps already done when this session began (0 unless resumed). */
      readonly resumedAtStep: number;
      readonly totalSteps: number;
    }
  | {
      readonly type: "step";
      readonly time: string;
      readonly step: number;
      readonly epoch: number;
      readonly loss: number;
      readonly lr: number;
      /** Images per second over the recent steps. */
      readonly imagesPerSecond: number;
      /** Estimated seconds until the last step, at the recent speed. */
      readonly etaSeconds: number;
      readonly totalSteps: number;
    }
  | {
      readonly type: "epoch";
      readonly time: string;
      /** The epoch just finished, 1-based (the course's "after epoch 5"). */
      readonly epoch: number;
      readonly step: number;
      readonly meanLoss: number;
      /** The sample grid drawn after this epoch, relative to the run directory. */
      readonly grid: string | null;
    }
  | { readonly type: "checkpoint"; readonly time: string; readonly step: number; readonly path: string }
  | {
      readonly type: "evaluation";
      readonly time: string;
      readonly metrics: Readonly<Record<string, number | readonly number[]>>;
    }
  | {
      readonly type: "done";
      readonly time: string;
      readonly step: number;
      readonly finalLoss: number;
      readonly wallTime: number;
      /** Paths of the artifacts, relative to the run directory. */
      readonly artifacts: readonly string[];
    }
  | { readonly type: "cancelled"; readonly time: string; readonly step: number; readonly checkpoint: string | null }
  | { readonly type: "failed"; readonly time: string; readonly step: number; readonly error: string };

export type RunEventType = RunEvent["type"];

/** Events after which the run's process ends. */
export const FINAL_EVENTS: ReadonlySet<RunEventType> = new Set(["done", "cancelled", "failed"]);
