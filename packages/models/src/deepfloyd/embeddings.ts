/**
 * The prompt-embedding store of an IF export: `embeddings.safetensors` (one [L, D] tensor per prompt, F32 or F16) and
 * `index.json` (format `diffusion-studio/if-embeddings` v1: prompt → tensor key). Tensors are decoded on first use.
 */
import { readSafetensorsHeader, readSafetensorsTensor, type SafetensorsHeader } from "../checkpoint/safetensors.js";
import { DeepFloydFormatError, Fields } from "./validate.js";

export const EMBEDDINGS_INDEX_FORMAT = "diffusion-studio/if-embeddings";

/** diffusers' `encode_prompt(clean_caption=False)` preprocessing: lower-case and strip. */
export function preprocessPrompt(prompt: string, preprocessing: "lowercase+strip" | "none"): string {
  return preprocessing === "none" ? prompt : prompt.toLowerCase().trim();
}

export class UnknownPromptError extends Error {
  override readonly name = "UnknownPromptError";
}

export class EmbeddingStore {
  /** Sequence length and text width of every embedding. */
  readonly shape: readonly [number, number];
  /** The CFG null prompt (`""`). */
  readonly nullPrompt: string;
  readonly preprocessing: "lowercase+strip" | "none";
  private readonly keys = new Map<string, string>();
  private readonly cache = new Map<string, Float32Array>();
  private readonly header: SafetensorsHeader;

  private constructor(
    private readonly bytes: Uint8Array,
    index: Fields,
    expectedShape: readonly [number, number] | undefined,
    source: string,
  ) {
    index.oneOf("format", [EMBEDDINGS_INDEX_FORMAT]);
    index.oneOf("version", [1]);
    const shape = index.array("shape", (v) => v);
    if (
      shape.length !== 2 ||
      !shape.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0) ||
      (expectedShape && (shape[0] !== expectedShape[0] || shape[1] !== expectedShape[1]))
    ) {
      index.fail("shape", expectedShape ? `[${expectedShape.join(", ")}] (from the manifest)` : "[L, D]", shape);
    }
    this.shape = shape as unknown as [number, number];
    this.nullPrompt = index.string("nullPrompt");
    this.preprocessing = index.has("preprocessing")
      ? index.oneOf("preprocessing", ["lowercase+strip", "none"] as const)
      : "none";
    try {
      this.header = readSafetensorsHeader(bytes);
    } catch (e) {
      throw new DeepFloydFormatError(`${source}: ${(e as Error).message}`);
    }
    const size = this.shape[0] * this.shape[1];
    index.array("prompts", (v, name) => {
      const p = index.item(v, name);
      const prompt = p.string("prompt");
      const key = p.string("key");
      const entry = this.header.entries.get(key);
      if (!entry) return p.fail("key", `the name of a tensor in ${source}`, key);
      if (entry.shape.reduce((a, b) => a * b, 1) !== size || entry.shape[entry.shape.length - 1] !== this.shape[1]) {
        p.fail("key", `a tensor of shape [${this.shape.join(", ")}] (it has [${entry.shape.join(", ")}])`, key);
      }
      this.keys.set(prompt, key);
    });
    if (!this.keys.has(this.nullPrompt)) {
      index.fail("nullPrompt", "one of the stored prompts", this.nullPrompt);
    }
  }

  /**
   * @param safetensors the bytes of `embeddings.safetensors`
   * @param index the parsed `index.json`
   * @param options.shape the [L, D] the manifest expects; `source` names the files in errors
   */
  static fromBytes(
    safetensors: Uint8Array,
    index: unknown,
    options: { readonly shape?: readonly [number, number]; readonly source?: string } = {},
  ): EmbeddingStore {
    const source = options.source ?? "embeddings";
    return new EmbeddingStore(safetensors, Fields.root(`${source} index`, index), options.shape, source);
  }

  /** Every stored prompt, in index order (includes the null prompt). */
  get prompts(): string[] {
    return [...this.keys.keys()];
  }

  /** The stored key for a prompt: the exact string, else its preprocessed form (same embedding in diffusers). */
  private keyOf(prompt: string): string | undefined {
    return this.keys.get(prompt) ?? this.keys.get(preprocessPrompt(prompt, this.preprocessing));
  }

  has(prompt: string): boolean {
    return this.keyOf(prompt) !== undefined;
  }

  /** The [L, D] embedding (row-major float32; shared, do not modify). Throws `UnknownPromptError` if absent. */
  get(prompt: string): Float32Array {
    const key = this.keyOf(prompt);
    if (key === undefined) {
      throw new UnknownPromptError(
        `unknown prompt ${JSON.stringify(prompt)}: the embedding store has ${this.keys.size} prompts (see \`prompts\`); ` +
          "free text needs a T5 text encoder (export with --text-encoder)",
      );
    }
    let data = this.cache.get(key);
    if (!data) {
      data = readSafetensorsTensor(this.bytes, this.header, key);
      this.cache.set(key, data);
    }
    return data;
  }
}
