import type { WorkerTask } from "../shared/task.ts";
import { Job, type TaskContext } from "./job.ts";
import { loadRunnable } from "./models.ts";
import * as procedures from "./procedures.ts";
import type { WorkerImage } from "./protocol.ts";

export type { TaskContext };

/**
 * Runs one validated recipe with @diffusion-studio/core's procedures on the model's denoiser, writing every picture
 * under the artifacts directory. Results are emitted as soon as they exist, so pages can show them streaming in.
 */
export async function runTask(task: WorkerTask, ctx: TaskContext): Promise<WorkerImage[]> {
  const job = new Job(task, await loadRunnable(task), ctx);
  const recipe = task.recipe;
  switch (recipe.procedure) {
    case "generate":
      await procedures.generate(job, recipe);
      break;
    case "cfg-compare":
      await procedures.cfgCompare(job, recipe);
      break;
    case "sdedit":
      await procedures.sdeditSweep(job, recipe);
      break;
    case "inpaint":
      await procedures.inpaintMasked(job, recipe);
      break;
    case "anagram":
      await procedures.anagram(job, recipe);
      break;
    case "hybrid":
      await procedures.hybrid(job, recipe);
      break;
    case "forward":
      await procedures.forward(job, recipe);
      break;
    case "denoise-compare":
      await procedures.denoiseCompare(job, recipe);
      break;
    case "sampler-compare":
      await procedures.samplerCompare(job, recipe);
      break;
  }
  return job.results;
}
