import type { SamplerName } from "@diffusion-studio/models";
import { ApiError } from "@/shared/errors";
import type { ModelInfo } from "@/shared/models";
import { type Recipe, recipe as recipeSchema } from "@/shared/recipes";

/**
 * The recipe as it is stored: every sampler it names is one its model runs, and a sampling loop's sampler is pinned
 * by name (one left out is the model's first, the course's: what such a recipe has always meant), so a re-run
 * makes the same bytes whatever the model's default becomes.
 */
export function pinRecipeSampler(recipe: Recipe, info: ModelInfo): Recipe {
  if (recipe.procedure === "sampler-compare") {
    for (const [k, run] of recipe.runs.entries()) checkSampler(`runs.${k}.sampler`, run.sampler, info);
    return recipe;
  }
  if (!("steps" in recipe)) return recipe; // the forward process and denoise-compare walk the course's sampler
  const sampler = recipe.sampler ?? courseSampler(info);
  checkSampler("sampler", sampler, info);
  // Through the schema, so its keys come in the schema's order: the worker parses the job the same way, and a
  // browser result's recipe chunk must be the worker's to the byte.
  return recipeSchema.parse({ ...recipe, sampler });
}

/** What a recipe without a sampler runs: the model's first, the course's (flow-euler, ddpm). */
export function courseSampler(info: Pick<ModelInfo, "samplers">): SamplerName {
  return info.samplers[0]!.name as SamplerName;
}

function checkSampler(field: string, name: string, info: ModelInfo): void {
  const allowed = info.samplers.map((s) => s.name);
  if (allowed.includes(name)) return;
  throw new ApiError(
    "BAD_REQUEST",
    `${field}: model '${info.id}' has no sampler '${name}' (one of ${allowed.join(", ")})`,
  );
}
