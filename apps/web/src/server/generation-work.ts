import { ApiError } from "@/shared/errors";
import type { ModelInfo } from "@/shared/models";
import type { Recipe } from "@/shared/recipes";

/**
 * How much model work a recipe asks for, in evaluations of the reference model (the portal's default: a D=64 UNet
 * on 28×28 grey, about 700 evaluations a second on two CPU cores). An upper bound: both CFG branches always count.
 */
export function recipeEvaluations(recipe: Recipe, info: ModelInfo): number {
  const [c, h, w] = info.shape;
  // Convolutions cost ∝ pixels × width²; imported pipelines (no width) count as a model 4× wider than ours.
  const cost = ((c * h * w) / 784) * ((info.width ?? 256) / 64) ** 2;
  return Math.ceil(imageSteps(recipe) * 2 * cost);
}

function imageSteps(r: Recipe): number {
  switch (r.procedure) {
    case "generate":
      return r.batch * r.steps + (r.upscale ? r.batch * r.upscale.steps * 16 : 0);
    case "sdedit":
      return r.iStarts.length * r.steps;
    case "inpaint":
      return r.steps;
    case "anagram":
      return r.parts.length * r.steps;
    case "hybrid":
      return 2 * r.steps;
    case "forward":
      return 0;
    case "denoise-compare":
      return 2 * r.iStart + 1;
    case "cfg-compare":
      return 2 * r.batch * r.steps;
    case "sampler-compare":
      return r.runs.reduce((sum, run) => sum + run.steps, 0);
  }
}

/** Refuses a recipe whose work exceeds the operator's cap (GENERATION_MAX_EVALS), saying what to lower. */
export function checkGenerationWork(recipe: Recipe, info: ModelInfo, maxEvaluations: number): void {
  const evaluations = recipeEvaluations(recipe, info);
  if (evaluations <= maxEvaluations) return;
  const knobs = recipe.procedure === "generate" || recipe.procedure === "cfg-compare" ? "batch or steps" : "steps";
  throw new ApiError(
    "BAD_REQUEST",
    `steps: this recipe needs about ${evaluations.toLocaleString("en")} model evaluations on '${info.id}', over this portal's limit of ${maxEvaluations.toLocaleString("en")} per job (GENERATION_MAX_EVALS); lower ${knobs}`,
  );
}
