/** Live prompt encoding: our Unigram tokenizer and the exported T5 encoder reproduce the stored embeddings. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng, sample, stridedTimesteps } from "@diffusion-studio/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeepFloydModel } from "../../src/deepfloyd/model.js";
import { unigramTokenizer } from "../../src/deepfloyd/tokenizer.js";
import { loadDeepFloyd } from "../../src/node.js";
import { FIXTURE_DIR, maxAbsDiff } from "./recordings.js";

interface IndexEntry {
  prompt: string;
  key: string;
  tokenCount: number;
  inputIds: number[];
}
const index = JSON.parse(readFileSync(join(FIXTURE_DIR, "embeddings", "index.json"), "utf8")) as {
  prompts: IndexEntry[];
};

let model: DeepFloydModel;
beforeAll(async () => {
  model = await loadDeepFloyd(FIXTURE_DIR, { threads: 2, device: "cpu", stages: ["stage1"] });
});
afterAll(() => model?.dispose());

describe("T5 text encoder", () => {
  it("tokenizes every stored prompt to the ids diffusers fed T5", () => {
    const encoder = model.textEncoder!;
    for (const p of index.prompts) {
      const t = encoder.tokenize(p.prompt);
      expect(t.inputIds, p.prompt).toEqual(p.inputIds);
      expect(t.tokenCount, p.prompt).toBe(p.tokenCount);
    }
    // diffusers' preprocessing (lower-case, strip) comes first
    expect(encoder.tokenize("  A Photo of a DOG ").inputIds).toEqual(encoder.tokenize("a photo of a dog").inputIds);
  });

  it("unknown characters become <unk>, long prompts are truncated keeping </s>", () => {
    const tok = unigramTokenizer(JSON.parse(readFileSync(join(FIXTURE_DIR, "tokenizer", "tokenizer.json"), "utf8")));
    const ids = tok.encode("a ∑∑ b");
    expect(ids.filter((i) => i === 2)).toHaveLength(1); // fused <unk>
    expect(ids.at(-1)).toBe(1);
    // real T5 files: Sequence[Precompiled, Replace(Regex " {2,}" → " ")] normalizer, Metaspace pre-tokenizer alone
    const json = JSON.parse(readFileSync(join(FIXTURE_DIR, "tokenizer", "tokenizer.json"), "utf8"));
    json.normalizer = {
      type: "Sequence",
      normalizers: [
        { type: "Precompiled", precompiled_charsmap: "" },
        { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
      ],
    };
    json.pre_tokenizer = { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true };
    expect(unigramTokenizer(json).encode("a  photo of   a dog")).toEqual(tok.encode("a photo of a dog"));
    const long = model.textEncoder!.tokenize("a photo of a dog ".repeat(20));
    expect(long.tokenCount).toBe(77);
    expect(long.inputIds.at(-1)).toBe(1);
  });

  it("encodes every stored prompt to its stored embedding (max abs diff < 1e-5)", async () => {
    const prompts = index.prompts.map((p) => p.prompt);
    const encoded = await model.textEncoder!.encode(prompts);
    let worst = 0;
    prompts.forEach((p, i) => {
      worst = Math.max(worst, maxAbsDiff(encoded[i]!, model.embeddings!.get(p)));
    });
    console.log(`T5 stand-in: live encoding vs stored embeddings, max abs diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
  });

  it("free text samples through the encoder when the store lacks the prompt", async () => {
    expect(model.prompts.freeText).toBe(true);
    const out = await sample({
      denoiser: model.stage1!.denoiser,
      sampler: model.stage1!.sampler({ timesteps: stridedTimesteps(990, 90, 0) }),
      noise: new Rng(3),
      condition: { prompt: "a purple cow on the moon" },
      guidanceScale: 7,
    });
    expect(out.shape).toEqual([1, 3, 16, 16]);
    for (const v of out.data) expect(Number.isFinite(v)).toBe(true);
  });
});
