/** Entry point of a training executor process: trains one run directory for its worker host, then is reused. */
import { type RunEvent, runTraining } from "@diffusion-studio/trainer";
import type { TrainingResult, TrainingTask } from "../jobs/training-task.ts";
import { serveTasks } from "./serve.ts";

serveTasks<TrainingTask, RunEvent, TrainingResult>(async (task, { signal, emit }) => {
  const outcome = await runTraining({ dir: task.dir, signal, onEvent: emit, threads: task.threads });
  return { state: outcome.state, step: outcome.step, totalSteps: outcome.totalSteps };
});
