/** A picture a job produced or previewed, as the browser sees it. */
export interface JobImage {
  /** URL under /api/artifacts. */
  readonly url: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
}

/** One of several sampling loops a job runs (an SDEdit sweep's levels), as its progress names it. */
export interface ProgressStage {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
  /** What this loop is, e.g. "i_start = 10". */
  readonly label: string;
}

/** What a job reports while it runs; the page's subscription receives these in order. */
export type JobEvent =
  | { readonly type: "queued"; readonly position: number }
  /** A worker took it (again, after a failed attempt: results so far are dropped). */
  | { readonly type: "started"; readonly worker?: string; readonly attempt?: number }
  /** The attempt failed and the job waits for another (on any worker). */
  | { readonly type: "retrying"; readonly message: string }
  | {
      readonly type: "progress";
      readonly step: number;
      readonly total: number;
      /** x_t / x̂0 thumbnails, published every few steps. */
      readonly previews: readonly JobImage[];
      /** Which loop of a multi-loop job (an SDEdit sweep) `step` counts in. */
      readonly stage?: ProgressStage;
    }
  /** One finished image; results stream in before the job completes. */
  | { readonly type: "image"; readonly image: JobImage }
  | { readonly type: "done"; readonly images: readonly JobImage[]; readonly seconds: number }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "cancelled" };

export type JobState = "queued" | "running" | "done" | "error" | "cancelled";

export function isTerminal(e: JobEvent): boolean {
  return e.type === "done" || e.type === "error" || e.type === "cancelled";
}
