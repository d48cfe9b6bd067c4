import type { Condition, ImageBatch, PixelRange } from "@diffusion-studio/core";
import type { SamplerName } from "@diffusion-studio/models";
import { imageRecipe, recipeChunks } from "../shared/image-recipe.ts";
import type { ProgressStage } from "../shared/jobs.ts";
import { promptCondition } from "../shared/prompts.ts";
import type { Recipe } from "../shared/recipes.ts";
import type { WorkerTask } from "../shared/task.ts";
import { ImageWriter, readImage, readMask } from "./images.ts";
import { previewProgress } from "./progress.ts";
import type { WorkerEvent, WorkerImage } from "./protocol.ts";
import { type Runnable, samplingRun } from "./runnable.ts";

export interface TaskContext {
  readonly signal: AbortSignal;
  readonly emit: (event: WorkerEvent) => void;
}

/** One running task: its model, where its pictures go, and the helpers every procedure shares. */
export class Job {
  readonly results: WorkerImage[] = [];
  readonly out: ImageWriter;
  /** Image height and width the model works at. */
  readonly height: number;
  readonly width: number;

  constructor(
    readonly task: WorkerTask,
    readonly model: Runnable,
    readonly ctx: TaskContext,
  ) {
    [, this.height, this.width] = task.model.info.shape;
    const info = task.model.info;
    // Every PNG carries its recipe (JSON) and an A1111-style parameters line.
    this.out = new ImageWriter(task.artifactsDir, task.outputPrefix, model.pixels.range, (image) =>
      recipeChunks(imageRecipe(task.recipe, info, image), info.courseSteps),
    );
  }

  /** Writes item `index` of `batch` as a result and tells the portal at once. */
  async emitResult(batch: ImageBatch, index: number, label: string, range: PixelRange = this.model.pixels.range) {
    const image = await this.out.write(batch, index, label, "result", range);
    this.results.push(image);
    this.ctx.emit({ type: "image", image });
  }

  /** A prompt as the model's condition (a digit for MNIST class models, text for IF, null for unconditional). */
  condition(prompt: string, field?: string): Condition {
    return promptCondition(prompt, this.task.model.info.conditioning, field);
  }

  /** The task's uploaded image (or mask) at the model's size and pixel format. */
  readInput(input: "image" | "mask"): Promise<ImageBatch> {
    const file = this.task.inputs[input];
    if (!file) throw new Error(`${input}: this procedure needs an uploaded ${input}`);
    const read = input === "image" ? readImage : readMask;
    return read(file, this.height, this.width, this.model.pixels);
  }

  /** The sampler and seeded noise of a `steps`-step run, with cancellation and previews. */
  sampling(steps: number, seed: number, sampler?: SamplerName) {
    return samplingRun(this.model, steps, seed, this.progressOptions(), sampler);
  }

  /**
   * Cancellation plus progress with x_t and x̂0 previews of the first image: at the first step, about ten times
   * per run and at the last (`reportsStep`); `stage` names the loop when a job runs several.
   */
  progressOptions(stage?: ProgressStage) {
    return previewProgress(
      this.ctx.signal,
      (batch, label) => this.out.write(batch, 0, label, "step"),
      (step, total, previews) =>
        this.ctx.emit({ type: "progress", step, total, previews, ...(stage ? { stage } : {}) }),
    );
  }
}

/** The recipe of one procedure. */
export type RecipeOf<P extends Recipe["procedure"]> = Extract<Recipe, { procedure: P }>;
