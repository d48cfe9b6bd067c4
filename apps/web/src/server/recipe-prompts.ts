import { ApiError } from "@/shared/errors";
import type { ModelInfo } from "@/shared/models";
import { promptCondition } from "@/shared/prompts";
import type { Recipe } from "@/shared/recipes";

/**
 * Every prompt of a recipe must mean something to its model: a conditioned model needs one it understands (MNIST
 * models a digit, IF exports without T5 a stored prompt); an unconditional model takes none, so it is refused
 * rather than silently ignored (the image would otherwise be labelled with a prompt that did nothing), and so is a
 * CFG γ, which has nothing to guide towards.
 */
export function checkRecipePrompts(recipe: Recipe, info: ModelInfo): void {
  const unconditional = info.conditioning.type === "none";
  for (const [field, prompt] of promptsOf(recipe)) {
    if (unconditional && prompt !== "") {
      throw new ApiError(
        "BAD_REQUEST",
        `${field}: model '${info.id}' is unconditional and takes no prompt (send "" instead of "${prompt}")`,
      );
    }
    if (unconditional) continue;
    if (prompt === "") throw new ApiError("BAD_REQUEST", `${field}: must not be empty for model '${info.id}'`);
    try {
      promptCondition(prompt, info.conditioning, field);
    } catch (err) {
      throw new ApiError("BAD_REQUEST", (err as Error).message);
    }
  }
  if (unconditional && "guidance" in recipe && recipe.guidance !== 0) {
    throw new ApiError(
      "BAD_REQUEST",
      `guidance: model '${info.id}' is unconditional, so CFG γ must be 0 (got ${recipe.guidance})`,
    );
  }
}

/** Each prompt of a recipe with the field it came from. */
function promptsOf(recipe: Recipe): [string, string][] {
  switch (recipe.procedure) {
    case "generate":
      return recipe.prompts.map((p) => ["prompts", p]);
    case "anagram":
      return recipe.parts.map((p) => ["parts", p.prompt]);
    case "hybrid":
      return [
        ["lowPrompt", recipe.lowPrompt],
        ["highPrompt", recipe.highPrompt],
      ];
    case "forward":
      return [];
    default:
      return [["prompt", recipe.prompt]];
  }
}
