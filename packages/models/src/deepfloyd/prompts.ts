/**
 * Prompt → text embedding for the UNets: the precomputed store first, then (when an export has one) the live T5
 * encoder. Conditions from core's samplers (`{ prompt }` or `null`) become [L, D] rows here.
 */
import type { Condition } from "@diffusion-studio/core";
import { type EmbeddingStore, UnknownPromptError } from "./embeddings.js";

/** Encodes free text (the optional T5 encoder). Each result is one [L, D] row-major embedding. */
export interface PromptEncoder {
  encode(prompts: readonly string[]): Promise<Float32Array[]>;
}

export interface PromptEmbedder {
  /** [L, D] of every embedding. */
  readonly shape: readonly [number, number];
  /** The CFG null prompt; `null` conditions use it. */
  readonly nullPrompt: string;
  /** Whether free text (beyond the store) can be embedded. */
  readonly freeText: boolean;
  /** Prompts available without an encoder. */
  readonly storedPrompts: readonly string[];
  embed(prompts: readonly string[]): Promise<Float32Array[]>;
}

const CACHE_LIMIT = 64;

export function createPromptEmbedder(
  store: EmbeddingStore | null,
  encoder: PromptEncoder | null,
  shape: readonly [number, number],
): PromptEmbedder {
  const cache = new Map<string, Float32Array>();
  return {
    shape,
    nullPrompt: store?.nullPrompt ?? "",
    freeText: encoder !== null,
    storedPrompts: store?.prompts ?? [],
    async embed(prompts) {
      const missing = [...new Set(prompts.filter((p) => !store?.has(p) && !cache.has(p)))];
      if (missing.length > 0) {
        if (!encoder) {
          if (store) store.get(missing[0]!); // throws the store's UnknownPromptError
          throw new UnknownPromptError(
            `unknown prompt ${JSON.stringify(missing[0])}: this export has no embedding store and no text encoder`,
          );
        }
        const encoded = await encoder.encode(missing);
        missing.forEach((p, i) => {
          if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
          cache.set(p, encoded[i]!);
        });
      }
      return prompts.map((p) => (store?.has(p) ? store.get(p) : cache.get(p)!));
    },
  };
}

/** The prompt each condition stands for: `null` is the null prompt; class labels are an error. */
export function promptsOf(conditions: readonly Condition[], nullPrompt: string): string[] {
  return conditions.map((c, i) => {
    if (c === null) return nullPrompt;
    if ("prompt" in c && typeof c.prompt === "string") return c.prompt;
    throw new RangeError(
      `\`conditions[${i}]\` must be { prompt: string } or null for DeepFloyd IF (got ${JSON.stringify(c)})`,
    );
  });
}
