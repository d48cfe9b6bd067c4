/**
 * What a generation executor process reports to its worker host (Node IPC, "advanced" serialization so typed arrays
 * and buffers cross unchanged); the envelope is `jobs/child-process.ts`'s.
 */

import type { ProgressStage } from "../shared/jobs.ts";

/** A picture the executor wrote under the task's artifacts directory. */
export interface WorkerImage {
  /** Relative to the artifacts directory; also the picture's key under `artifacts/` in the store. */
  readonly path: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
}

export type WorkerEvent =
  | {
      readonly type: "progress";
      readonly step: number;
      readonly total: number;
      readonly previews: WorkerImage[];
      readonly stage?: ProgressStage;
    }
  | { readonly type: "image"; readonly image: WorkerImage };
