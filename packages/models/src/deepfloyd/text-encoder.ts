/**
 * Live prompt encoding with an exported T5 encoder: preprocess (lower-case + strip, as diffusers'
 * `encode_prompt(clean_caption=False)`), tokenize, pad with `padTokenId` / truncate to `maxLength` keeping `</s>`,
 * run the encoder with the attention mask, take `last_hidden_state` [maxLength, D] per prompt.
 */
import { preprocessPrompt } from "./embeddings.js";
import type { TextEncoderManifest } from "./manifest.js";
import { floatOutput, int64Feed, type OnnxSession, type TensorFactory } from "./onnx-io.js";
import type { PromptEncoder } from "./prompts.js";
import { type Tokenizer, unigramTokenizer } from "./tokenizer.js";

export interface T5TextEncoder extends PromptEncoder {
  readonly tokenizer: Tokenizer;
  /** The padded ids and attention-mask length that `encode` feeds for a prompt. */
  tokenize(prompt: string): { readonly inputIds: number[]; readonly tokenCount: number };
  release(): Promise<void>;
}

export function createTextEncoder(parts: {
  readonly manifest: TextEncoderManifest;
  readonly tokenizerJson: unknown;
  readonly session: OnnxSession;
  readonly tensor: TensorFactory;
}): T5TextEncoder {
  const { manifest: m, session, tensor } = parts;
  const tokenizer = unigramTokenizer(parts.tokenizerJson, m.tokenizer);
  const L = m.maxLength;
  const tokenize = (prompt: string) => {
    let ids = tokenizer.encode(preprocessPrompt(prompt, m.preprocessing));
    if (ids.length > L) ids = [...ids.slice(0, L - 1), m.eosTokenId]; // truncation keeps the closing </s>
    const tokenCount = ids.length;
    return { inputIds: [...ids, ...Array<number>(L - tokenCount).fill(m.padTokenId)], tokenCount };
  };
  return {
    tokenizer,
    tokenize,
    async encode(prompts) {
      const b = prompts.length;
      if (b === 0) return [];
      const ids: number[] = [];
      const mask: number[] = [];
      for (const p of prompts) {
        const t = tokenize(p);
        ids.push(...t.inputIds);
        for (let i = 0; i < L; i++) mask.push(i < t.tokenCount ? 1 : 0);
      }
      const outName = m.outputs[0]!.name;
      const out = await session.run({
        input_ids: int64Feed(tensor, ids, [b, L]),
        attention_mask: int64Feed(tensor, mask, [b, L]),
      });
      const data = floatOutput(out, outName, b * L * m.textDim);
      return prompts.map((_, i) => data.slice(i * L * m.textDim, (i + 1) * L * m.textDim));
    },
    release: () => session.release(),
  };
}
