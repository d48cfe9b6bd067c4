/**
 * Messages between the portal and its worker processes (Node IPC, "advanced" serialization so typed arrays and
 * buffers cross unchanged).
 */

/** A picture the worker wrote under the artifacts directory. */
export interface WorkerImage {
  /** Relative to the artifacts directory. */
  readonly path: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
}

export type WorkerEvent =
  | { readonly type: "progress"; readonly step: number; readonly total: number; readonly previews: WorkerImage[] }
  | { readonly type: "image"; readonly image: WorkerImage };

export type ToWorker =
  | { readonly type: "run"; readonly jobId: string; readonly task: unknown }
  | { readonly type: "cancel"; readonly jobId: string };

export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "event"; readonly jobId: string; readonly event: WorkerEvent }
  | { readonly type: "finished"; readonly jobId: string; readonly images: WorkerImage[] }
  | { readonly type: "failed"; readonly jobId: string; readonly message: string; readonly cancelled: boolean };
