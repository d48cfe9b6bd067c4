import {
  type Condition,
  cloneBatch,
  forwardProcess,
  gaussianBlur,
  hybridImage,
  type ImageBatch,
  inpaint,
  iterativeDenoise,
  makeView,
  oneStepDenoise,
  type ProgressEvent,
  Rng,
  sample,
  sdedit,
  type ViewConfig,
  visualAnagram,
} from "@diffusion-studio/core";
import { promptCondition } from "../shared/prompts.js";
import type { View } from "../shared/recipes.js";
import type { WorkerTask } from "../shared/task.js";
import { ImageWriter, readImage, readMask } from "./images.js";
import type { WorkerEvent, WorkerImage } from "./protocol.js";
import { loadRunnable, type Runnable } from "./runnable.js";

export interface TaskContext {
  readonly signal: AbortSignal;
  readonly emit: (event: WorkerEvent) => void;
}

/** Previews (x_t and x̂0 of the first image) about ten times per run. */
const PREVIEWS_PER_RUN = 10;

/**
 * Runs one validated recipe with @diffusion-studio/core's procedures on the model's denoiser, writing every picture
 * under the artifacts directory. Results are emitted as soon as they exist, so pages can show them streaming in.
 */
export async function runTask(task: WorkerTask, ctx: TaskContext): Promise<WorkerImage[]> {
  const { recipe } = task;
  const model = await loadRunnable(task);
  const [, h, w] = task.model.info.shape;
  const pixels = model.pixels;
  const out = new ImageWriter(task.artifactsDir, task.outputPrefix, pixels.range);
  const results: WorkerImage[] = [];
  const emitResult = async (batch: ImageBatch, index: number, label: string, range = pixels.range) => {
    const image = await out.write(batch, index, label, "result", range);
    results.push(image);
    ctx.emit({ type: "image", image });
  };
  const cond = (prompt: string, field?: string): Condition =>
    promptCondition(prompt, task.model.info.conditioning, field);
  const common = (steps: number, seed: number) => ({
    denoiser: model.denoiser,
    sampler: model.sampler(steps),
    noise: new Rng(seed >>> 0),
    signal: ctx.signal,
    progressEvery: Math.max(1, Math.round(steps / PREVIEWS_PER_RUN)),
    onProgress: progress(out, ctx),
  });

  switch (recipe.procedure) {
    case "generate": {
      // Prompt by prompt, so the first prompt's images appear while the next one is still sampling.
      const upscaler = recipe.upscale && model.upscaler;
      if (recipe.upscale && !upscaler) throw new Error("upscale: this model has no upscaling stage");
      for (const [k, prompt] of recipe.prompts.entries()) {
        const run = common(recipe.steps, recipe.seed + k);
        const images = await sample({
          ...run,
          condition: cond(prompt),
          batchSize: recipe.batch,
          guidanceScale: recipe.guidance,
        });
        for (let i = 0; i < recipe.batch; i++) await emitResult(images, i, `${prompt} #${i + 1}`);
        if (upscaler && recipe.upscale) {
          // Stage II continues the same seeded noise after stage I, so the small images do not change.
          const big = await upscaler.upscale({
            image: images,
            condition: cond(prompt),
            steps: recipe.upscale.steps,
            guidance: recipe.upscale.guidance,
            noise: run.noise,
            run: {
              signal: ctx.signal,
              progressEvery: Math.max(1, Math.round(recipe.upscale.steps / PREVIEWS_PER_RUN)),
              onProgress: progress(out, ctx),
            },
          });
          const size = `${upscaler.size}×${upscaler.size}`;
          for (let i = 0; i < recipe.batch; i++) await emitResult(big, i, `${prompt} #${i + 1} (${size})`);
        }
      }
      return results;
    }
    case "cfg-compare": {
      const condition = cond(recipe.prompt);
      const plain = await sample({ ...common(recipe.steps, recipe.seed), condition, batchSize: recipe.batch });
      for (let i = 0; i < recipe.batch; i++) await emitResult(plain, i, `no CFG #${i + 1}`);
      const guided = await sample({
        ...common(recipe.steps, recipe.seed),
        condition,
        batchSize: recipe.batch,
        guidanceScale: recipe.guidance,
      });
      for (let i = 0; i < recipe.batch; i++) await emitResult(guided, i, `γ = ${recipe.guidance} #${i + 1}`);
      return results;
    }
    case "sdedit": {
      const image = await readImage(task.inputs.image!, h, w, pixels);
      await emitResult(image, 0, "source");
      const levels = await sdedit({
        ...common(recipe.steps, recipe.seed),
        image,
        iStarts: recipe.iStarts,
        condition: cond(recipe.prompt),
        guidanceScale: recipe.guidance,
      });
      for (const level of levels) await emitResult(level.result, 0, `i_start = ${level.iStart}`);
      return results;
    }
    case "inpaint": {
      const image = await readImage(task.inputs.image!, h, w, pixels);
      const mask = await readMask(task.inputs.mask!, h, w, pixels);
      await emitResult(image, 0, "source");
      await emitResult(mask, 0, "mask", "unit");
      const result = await inpaint({
        ...common(recipe.steps, recipe.seed),
        image,
        mask,
        condition: cond(recipe.prompt),
        guidanceScale: recipe.guidance,
      });
      await emitResult(result, 0, "inpainted");
      return results;
    }
    case "anagram": {
      const views = recipe.parts.map((p) => makeView(viewConfig(p.view, h, recipe.seed)));
      const result = await visualAnagram({
        ...common(recipe.steps, recipe.seed),
        views: recipe.parts.map((p, k) => ({ condition: cond(p.prompt, `parts.${k}.prompt`), view: views[k]! })),
        guidanceScale: recipe.guidance,
      });
      for (const [k, p] of recipe.parts.entries())
        await emitResult(views[k]!.apply(result), 0, `${p.view}: ${p.prompt}`);
      return results;
    }
    case "hybrid": {
      const kernelSize = model.hybridKernel(recipe.sigma, h, w);
      const result = await hybridImage({
        ...common(recipe.steps, recipe.seed),
        lowPassCondition: cond(recipe.lowPrompt, "lowPrompt"),
        highPassCondition: cond(recipe.highPrompt, "highPrompt"),
        sigma: recipe.sigma,
        kernelSize,
        guidanceScale: recipe.guidance,
      });
      await emitResult(result, 0, `hybrid: ${recipe.lowPrompt} / ${recipe.highPrompt}`);
      return results;
    }
    case "forward": {
      const image = await readImage(task.inputs.image!, h, w, pixels);
      const sampler = model.sampler(task.model.info.defaults.steps);
      const noise = new Rng(recipe.seed >>> 0);
      await emitResult(image, 0, "clean");
      for (const t of recipe.ts) await emitResult(forwardProcess(sampler, image, model.time(t), noise), 0, `t = ${t}`);
      return results;
    }
    case "denoise-compare":
      await denoiseCompare(task, model, ctx, emitResult);
      return results;
  }
}

/** Course §1.2–1.4: noise an image to level i_start, then clean it up three ways. */
async function denoiseCompare(
  task: WorkerTask,
  model: Runnable,
  ctx: TaskContext,
  emitResult: (batch: ImageBatch, index: number, label: string) => Promise<void>,
): Promise<void> {
  const recipe = task.recipe;
  if (recipe.procedure !== "denoise-compare") throw new Error("unreachable");
  const [, h, w] = task.model.info.shape;
  const steps = task.model.info.defaults.steps;
  const sampler = model.sampler(steps);
  const noise = new Rng(recipe.seed >>> 0);
  const condition = promptCondition(recipe.prompt, task.model.info.conditioning);
  const clean = await readImage(task.inputs.image!, h, w, model.pixels);
  const t = sampler.levels[recipe.iStart]!;
  const noisy = forwardProcess(sampler, clean, t, noise);
  await emitResult(clean, 0, "clean");
  await emitResult(noisy, 0, `noisy (i_start = ${recipe.iStart})`);
  await emitResult(gaussianBlur(noisy, 5, 2), 0, "Gaussian blur");
  const oneStep = await oneStepDenoise({
    denoiser: model.denoiser,
    sampler,
    x: noisy,
    t,
    condition,
    signal: ctx.signal,
  });
  await emitResult(oneStep, 0, "one-step");
  // Every 5th intermediate of the iterative run is kept, as in the course's figure.
  const iterative = await iterativeDenoise({
    denoiser: model.denoiser,
    sampler,
    noise,
    x: cloneBatch(noisy),
    iStart: recipe.iStart,
    condition,
    signal: ctx.signal,
    progressEvery: 5,
    onProgress: async (e) => {
      if (e.step < e.totalSteps) await emitResult(e.x, 0, `iterative, step ${e.step}`);
      ctx.emit({ type: "progress", step: e.step, total: e.totalSteps, previews: [] });
    },
  });
  await emitResult(iterative, 0, "iterative");
}

function viewConfig(view: View, size: number, seed: number): ViewConfig {
  switch (view) {
    case "identity":
    case "flip":
    case "negate":
    case "skew":
      return { type: view };
    case "rot90":
      return { type: "rotate", degrees: 90 };
    case "rot180":
      return { type: "rotate", degrees: 180 };
    case "rot270":
      return { type: "rotate", degrees: 270 };
    case "jigsaw":
      return { type: "patchPermute", patchSize: size % 7 === 0 ? size / 4 : size / 2, seed };
  }
}

/** Publishes x_t and x̂0 of the first image as small previews. */
function progress(out: ImageWriter, ctx: TaskContext) {
  return async (e: ProgressEvent) => {
    const previews = [
      await out.write(e.x, 0, `x_t (t=${fmt(e.t)})`, "step"),
      await out.write(e.predOriginal, 0, "x̂0", "step"),
    ];
    ctx.emit({ type: "progress", step: e.step, total: e.totalSteps, previews });
  };
}

function fmt(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(2);
}
