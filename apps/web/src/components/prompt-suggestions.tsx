"use client";

import type { ModelInfo } from "@/shared/models";
import { promptCondition } from "@/shared/prompts";

/** Whether `model` understands `prompt` (MNIST models need a digit; IF exports without T5 need a stored prompt). */
export function understands(model: ModelInfo, prompt: string): boolean {
  try {
    promptCondition(prompt, model.conditioning);
    return true;
  } catch {
    return false;
  }
}

/** The MNIST pages' own example prompts ("a handwritten 7"): meaningless to a text-to-image model. */
const DIGIT_PROMPT = /^a handwritten \d$/;

/**
 * The prompt to keep when the model changes: the same one if the new model understands it, else the model's
 * `index`-th example (so "a handwritten 7" becomes one of DeepFloyd's stored prompts, and back). A digit prompt is
 * swapped for a text model even when its T5 encoder could read it.
 */
export function fitPrompt(prompt: string, model: ModelInfo, index = 0): string {
  const examples = model.promptExamples;
  if (examples.length === 0) return prompt;
  const digitForText = model.conditioning.type === "text" && DIGIT_PROMPT.test(prompt.trim());
  if (!digitForText && understands(model, prompt)) return prompt;
  return examples[index % examples.length]!;
}

/** A hint for prompt fields: what this model understands. */
export function promptHint(model: ModelInfo | undefined): string {
  if (!model) return "";
  const c = model.conditioning;
  if (c.type === "class") return "This model draws digits: “a handwritten 7”.";
  if (c.type === "text" && !c.freeText) {
    return `This export has no text encoder: use one of its ${c.storedPrompts.length} stored prompts.`;
  }
  if (c.type === "text") return "Any text (T5 encoder); stored prompts need no encoding.";
  return "";
}

/** Whether `model` takes a prompt at all (unconditional models do not; an unknown model is assumed to). */
export function takesPrompt(model: ModelInfo | undefined): boolean {
  return model?.conditioning.type !== "none";
}

/** What stands where the prompt field would be for an unconditional model. */
export function NoPromptNote({ model }: { model: ModelInfo }) {
  return (
    <p className="rounded-md bg-neutral-800/60 px-3 py-2 text-xs text-neutral-400" data-testid="no-prompt">
      {model.name} is unconditional: it takes no prompt and no CFG γ, and samples digits of any class.
    </p>
  );
}

/** Suggestions for `<input list={id}>`: the model's stored or example prompts. */
export function PromptSuggestions({ id, model }: { id: string; model: ModelInfo | undefined }) {
  return (
    <datalist id={id}>
      {model?.promptExamples.map((p) => (
        <option key={p} value={p} />
      ))}
    </datalist>
  );
}
