import type { ImageBatch, ProgressEvent } from "@diffusion-studio/core";

/**
 * Which sampling steps a job reports, and what a report carries. Every report carries two preview PNGs and becomes
 * a database event, so not every step is sent; but the first step always is, so a page shows progress as soon as
 * sampling starts.
 */

/** Reports (each with x_t and x̂0 previews) per run, besides the first step. */
export const REPORTS_PER_RUN = 10;

/** Whether step `step` (1 … `total`) is reported: the first, every ⌈total / perRun⌉-th and the last (≤ perRun + 2). */
export function reportsStep(step: number, total: number, perRun = REPORTS_PER_RUN): boolean {
  const every = Math.max(1, Math.ceil(total / perRun));
  return step === 1 || step === total || step % every === 0;
}

/**
 * Cancellation plus progress with x_t and x̂0 previews of the first image, on the steps `reportsStep` picks. Shared
 * by the worker's job and the browser's: `preview` renders one picture (a file on a worker, a PNG in the browser),
 * in order, x_t first; `report` sends the step with its previews.
 */
export function previewProgress<P>(
  signal: AbortSignal,
  preview: (batch: ImageBatch, label: string) => P | Promise<P>,
  report: (step: number, total: number, previews: P[]) => void,
) {
  return {
    signal,
    onProgress: async (e: ProgressEvent) => {
      if (!reportsStep(e.step, e.totalSteps)) return;
      const t = Number.isInteger(e.t) ? String(e.t) : e.t.toFixed(2);
      const previews = [await preview(e.x, `x_t (t=${t})`), await preview(e.predOriginal, "x̂0")];
      report(e.step, e.totalSteps, previews);
    },
  };
}
