import type { WorkerEvent, WorkerImage } from "./protocol.js";

export interface TaskContext {
  readonly signal: AbortSignal;
  readonly emit: (event: WorkerEvent) => void;
}

/**
 * Runs one validated task. The sampling procedures come from @diffusion-studio/core and the denoisers from
 * @diffusion-studio/models; until those land, every procedure reports that it is not available.
 */
export async function runTask(task: unknown, ctx: TaskContext): Promise<WorkerImage[]> {
  void ctx;
  const procedure = (task as { recipe?: { procedure?: string } }).recipe?.procedure ?? "unknown";
  throw new Error(`procedure '${procedure}' is not available: no inference engine is installed yet`);
}
