/**
 * One function per portal procedure: each runs its @diffusion-studio/core procedure on the job's model and emits
 * its pictures as they come. Samplers, times and kernels come from the model's sampling policy; no maths here.
 * The same functions run in a browser tab's Web Worker (src/browser/inference.worker.ts) on onnxruntime-web.
 */
import {
  cloneBatch,
  forwardProcess,
  gaussianBlur,
  hybridImage,
  inpaint,
  iterativeDenoise,
  makeView,
  oneStepDenoise,
  Rng,
  sample,
  sdedit,
  type ViewConfig,
  visualAnagram,
} from "@diffusion-studio/core";
import type { View } from "../shared/recipes.ts";
import type { RecipeOf } from "./job.ts";
import type { ProcedureJob as Job } from "./procedure-job.ts";

/** Prompt by prompt, so the first prompt's images appear while the next one is still sampling. */
export async function generate(job: Job, recipe: RecipeOf<"generate">): Promise<void> {
  const upscaler = recipe.upscale && job.model.upscaler;
  if (recipe.upscale && !upscaler) throw new Error("upscale: this model has no upscaling stage");
  for (const [k, prompt] of recipe.prompts.entries()) {
    const run = job.sampling(recipe.steps, recipe.seed + k, recipe.sampler);
    const condition = job.condition(prompt);
    const images = await sample({ ...run, condition, batchSize: recipe.batch, guidanceScale: recipe.guidance });
    for (let i = 0; i < recipe.batch; i++) await job.emitResult(images, i, sampleLabel(prompt, i));
    if (!upscaler || !recipe.upscale) continue;
    // Stage II continues the same seeded noise after stage I, so the small images do not change.
    const big = await upscaler.upscale({
      image: images,
      condition,
      steps: recipe.upscale.steps,
      guidance: recipe.upscale.guidance,
      noise: run.noise,
      run: job.progressOptions(),
    });
    const size = `${upscaler.size}×${upscaler.size}`;
    for (let i = 0; i < recipe.batch; i++) await job.emitResult(big, i, `${sampleLabel(prompt, i)} (${size})`);
  }
}

/** Course §1.6: the same seed without and with CFG. */
export async function cfgCompare(job: Job, recipe: RecipeOf<"cfg-compare">): Promise<void> {
  const condition = job.condition(recipe.prompt);
  const plain = await sample({
    ...job.sampling(recipe.steps, recipe.seed, recipe.sampler),
    condition,
    batchSize: recipe.batch,
  });
  for (let i = 0; i < recipe.batch; i++) await job.emitResult(plain, i, `no CFG #${i + 1}`);
  const guided = await sample({
    ...job.sampling(recipe.steps, recipe.seed, recipe.sampler),
    condition,
    batchSize: recipe.batch,
    guidanceScale: recipe.guidance,
  });
  for (let i = 0; i < recipe.batch; i++) await job.emitResult(guided, i, `γ = ${recipe.guidance} #${i + 1}`);
}

/**
 * Course §1.7: the source re-imagined from each i_start, one level at a time so each result shows as it finishes
 * and progress names its level. The levels share one noise stream, in order, as a single sweep call would.
 */
export async function sdeditSweep(job: Job, recipe: RecipeOf<"sdedit">): Promise<void> {
  const image = await job.readInput("image");
  await job.emitResult(image, 0, "source");
  const run = job.sampling(recipe.steps, recipe.seed, recipe.sampler);
  const condition = job.condition(recipe.prompt);
  for (const [k, iStart] of recipe.iStarts.entries()) {
    const label = `i_start = ${iStart}`;
    const [level] = await sdedit({
      ...run,
      ...job.progressOptions({ index: k + 1, count: recipe.iStarts.length, label }),
      image,
      iStarts: [iStart],
      condition,
      guidanceScale: recipe.guidance,
    });
    if (level) await job.emitResult(level.result, 0, label);
  }
}

/** Course §1.7.2: new content where the mask is white. */
export async function inpaintMasked(job: Job, recipe: RecipeOf<"inpaint">): Promise<void> {
  const image = await job.readInput("image");
  const mask = await job.readInput("mask");
  await job.emitResult(image, 0, "source");
  await job.emitResult(mask, 0, "mask", "unit");
  const result = await inpaint({
    ...job.sampling(recipe.steps, recipe.seed, recipe.sampler),
    image,
    mask,
    condition: job.condition(recipe.prompt),
    guidanceScale: recipe.guidance,
  });
  await job.emitResult(result, 0, "inpainted");
}

/** Course §1.8: one image, a prompt per view. */
export async function anagram(job: Job, recipe: RecipeOf<"anagram">): Promise<void> {
  const views = recipe.parts.map((p) => makeView(viewConfig(p.view, job.height, recipe.seed)));
  const result = await visualAnagram({
    ...job.sampling(recipe.steps, recipe.seed, recipe.sampler),
    views: recipe.parts.map((p, k) => ({ condition: job.condition(p.prompt, `parts.${k}.prompt`), view: views[k]! })),
    guidanceScale: recipe.guidance,
  });
  for (const [k, p] of recipe.parts.entries()) {
    await job.emitResult(views[k]!.apply(result), 0, `${p.view}: ${p.prompt}`);
  }
}

/** Course §1.9: one prompt's low frequencies, another's high ones. */
export async function hybrid(job: Job, recipe: RecipeOf<"hybrid">): Promise<void> {
  const result = await hybridImage({
    ...job.sampling(recipe.steps, recipe.seed, recipe.sampler),
    lowPassCondition: job.condition(recipe.lowPrompt, "lowPrompt"),
    highPassCondition: job.condition(recipe.highPrompt, "highPrompt"),
    sigma: recipe.sigma,
    kernelSize: job.model.policy.hybridKernelSize(recipe.sigma),
    guidanceScale: recipe.guidance,
  });
  await job.emitResult(result, 0, `hybrid: ${recipe.lowPrompt} / ${recipe.highPrompt}`);
}

/**
 * Lab: the same prompt and seed through each sampler, one result per run labelled with the model evaluations it
 * took (a Heun budget that is even uses one less).
 */
export async function samplerCompare(job: Job, recipe: RecipeOf<"sampler-compare">): Promise<void> {
  const condition = job.condition(recipe.prompt);
  for (const [k, run] of recipe.runs.entries()) {
    const sampling = job.sampling(run.steps, recipe.seed, run.sampler);
    const label = `${run.sampler} · ${sampling.sampler.numSteps} NFE`;
    const images = await sample({
      ...sampling,
      ...job.progressOptions({ index: k + 1, count: recipe.runs.length, label }),
      condition,
      batchSize: 1,
      guidanceScale: recipe.guidance,
    });
    await job.emitResult(images, 0, label);
  }
}

/** The course's figures walk the course's sampler and steps, whatever the model's few-step default. */
function courseSampler(job: Job) {
  const { course } = job.model.policy;
  return job.model.policy.sampler({ sampler: course.sampler, steps: course.steps });
}

/** Course §1.1: the image noised to each course time (0–1000), in the model's own time. */
export async function forward(job: Job, recipe: RecipeOf<"forward">): Promise<void> {
  const image = await job.readInput("image");
  const sampler = courseSampler(job);
  const noise = new Rng(recipe.seed >>> 0);
  await job.emitResult(image, 0, "clean");
  for (const t of recipe.ts) {
    await job.emitResult(forwardProcess(sampler, image, job.model.policy.courseTime(t), noise), 0, `t = ${t}`);
  }
}

/** Course §1.2–1.4: noise an image to level i_start, then clean it up three ways. */
export async function denoiseCompare(job: Job, recipe: RecipeOf<"denoise-compare">): Promise<void> {
  const sampler = courseSampler(job);
  const noise = new Rng(recipe.seed >>> 0);
  const condition = job.condition(recipe.prompt);
  const clean = await job.readInput("image");
  const t = sampler.levels[recipe.iStart]!;
  const noisy = forwardProcess(sampler, clean, t, noise);
  await job.emitResult(clean, 0, "clean");
  await job.emitResult(noisy, 0, `noisy (i_start = ${recipe.iStart})`);
  await job.emitResult(gaussianBlur(noisy, 5, 2), 0, "Gaussian blur");
  const { denoiser } = job.model;
  const signal = job.ctx.signal;
  await job.emitResult(await oneStepDenoise({ denoiser, sampler, x: noisy, t, condition, signal }), 0, "one-step");
  // Every 5th intermediate of the iterative run is kept, as in the course's figure.
  const iterative = await iterativeDenoise({
    denoiser,
    sampler,
    noise,
    x: cloneBatch(noisy),
    iStart: recipe.iStart,
    condition,
    signal,
    progressEvery: 5,
    onProgress: async (e) => {
      if (e.step < e.totalSteps) await job.emitResult(e.x, 0, `iterative, step ${e.step}`);
      job.ctx.emit({ type: "progress", step: e.step, total: e.totalSteps, previews: [] });
    },
  });
  await job.emitResult(iterative, 0, "iterative");
}

/** "a handwritten 7 #2"; an unconditional model's images (prompt "") are "sample #2", not labelled with a prompt. */
function sampleLabel(prompt: string, index: number): string {
  return `${prompt || "sample"} #${index + 1}`;
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
