import type { Conditioning } from "./models.ts";

/** What a prompt becomes for a model: a class label, a text prompt, or nothing (unconditional models). */
export type PromptCondition = { readonly classLabel: number } | { readonly prompt: string } | null;

const WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/**
 * Reads a prompt for a model. MNIST class models understand the digit the prompt names ("a handwritten 7",
 * "seven", "7"); a prompt that names none, or several different ones, is refused with a message that says so.
 */
export function promptCondition(prompt: string, conditioning: Conditioning, field = "prompt"): PromptCondition {
  switch (conditioning.type) {
    case "none":
      return null;
    case "text":
      if (!conditioning.freeText && !isStoredPrompt(prompt, conditioning.storedPrompts)) {
        throw new Error(
          `${field}: "${prompt}" is not one of this model's ${conditioning.storedPrompts.length} stored prompts ` +
            `(${listPrompts(conditioning.storedPrompts)}); free text needs an export with a T5 text encoder`,
        );
      }
      return { prompt };
    case "class": {
      const found = new Set<number>();
      for (const m of prompt.toLowerCase().matchAll(/\b(\d|zero|one|two|three|four|five|six|seven|eight|nine)\b/g)) {
        const token = m[1]!;
        found.add(/\d/.test(token) ? Number(token) : WORDS.indexOf(token));
      }
      const labels = [...found].filter((l) => conditioning.classes.some((c) => c.label === l));
      if (labels.length !== 1) {
        throw new Error(
          `${field}: "${prompt}" must name exactly one digit 0–9 for this model (e.g. “a handwritten 7”)`,
        );
      }
      return { classLabel: labels[0]! };
    }
  }
}

/** Whether a prompt has a stored embedding: the exact string, or diffusers' lower-cased and stripped form. */
export function isStoredPrompt(prompt: string, stored: readonly string[]): boolean {
  const normalized = prompt.toLowerCase().trim();
  return stored.some((p) => p === prompt || p === normalized);
}

function listPrompts(prompts: readonly string[]): string {
  const shown = prompts.slice(0, 6).map((p) => `"${p}"`);
  return prompts.length > shown.length ? `${shown.join(", ")}, …` : shown.join(", ");
}
