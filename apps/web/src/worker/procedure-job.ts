import type { ModelInfo } from "../shared/models.ts";
import type { Job } from "./job.ts";

/**
 * What a procedure (procedures.ts) uses of its job: the worker's `Job` (files and sharp) or the browser's
 * (`src/browser/browser-job.ts`: PNGs posted to the page). Type-only, so procedures.ts bundles for browsers.
 */
export type ProcedureJob = Pick<
  Job,
  "model" | "height" | "ctx" | "emitResult" | "condition" | "readInput" | "sampling" | "progressOptions"
> & { readonly task: { readonly model: { readonly info: ModelInfo } } };
