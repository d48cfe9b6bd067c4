import { ChildExecutor, type ChildOptions } from "./child-process.ts";
import type { Executors } from "./host-context.ts";

/**
 * A fixed number of executor processes, started on first use and kept (a generation process keeps its ONNX
 * sessions between jobs). pg-boss's `localConcurrency` equals the size, so a free one is always there.
 */
export class ExecutorPool<Task, Event, Result> implements Executors<Task, Event, Result> {
  private readonly executors: ChildExecutor<Task, Event, Result>[];

  constructor(size: number, opts: ChildOptions) {
    this.executors = Array.from({ length: size }, () => new ChildExecutor<Task, Event, Result>(opts));
  }

  run(jobId: string, task: Task, signal: AbortSignal, onEvent: (e: Event) => void): Promise<Result> {
    const free = this.executors.find((e) => e.idle);
    if (!free) return Promise.reject(new Error("no free executor on this worker"));
    return free.run(jobId, task, signal, onEvent);
  }

  async close(): Promise<void> {
    await Promise.all(this.executors.map((e) => e.close()));
  }
}
