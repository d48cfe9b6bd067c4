import type { View } from "@/shared/recipes";

/** An anagram recipe: one [prompt, view] pair per part, with the sampling settings the tests don't care about. */
export function anagramRecipe(modelId: string, parts: readonly [string, View][], seed = 1) {
  return {
    procedure: "anagram" as const,
    modelId,
    parts: parts.map(([prompt, view]) => ({ prompt, view })),
    steps: 10,
    guidance: 5,
    seed,
  };
}
