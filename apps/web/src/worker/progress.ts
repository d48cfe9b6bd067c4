/**
 * Which sampling steps a job reports. Every report carries two preview PNGs and becomes a database event, so not
 * every step is sent; but the first step always is, so a page shows progress as soon as sampling starts.
 */

/** Reports (each with x_t and x̂0 previews) per run, besides the first step. */
export const REPORTS_PER_RUN = 10;

/** Whether step `step` (1 … `total`) is reported: the first, every ⌈total / perRun⌉-th and the last (≤ perRun + 2). */
export function reportsStep(step: number, total: number, perRun = REPORTS_PER_RUN): boolean {
  const every = Math.max(1, Math.ceil(total / perRun));
  return step === 1 || step === total || step % every === 0;
}
