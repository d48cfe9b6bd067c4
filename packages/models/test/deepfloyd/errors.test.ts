/** Bad manifests, missing files, unknown prompts and wrong inputs fail with errors that name the problem. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { courseSampler, Rng, sample } from "@diffusion-studio/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddingStore } from "../../src/deepfloyd/embeddings.js";
import { parseManifest } from "../../src/deepfloyd/manifest.js";
import type { DeepFloydModel } from "../../src/deepfloyd/model.js";
import { loadDeepFloyd, readDeepFloydManifest } from "../../src/node.js";
import { FIXTURE_DIR } from "./recordings.js";

type JsonObject = Record<string, unknown>;
const manifestJson = (): JsonObject => JSON.parse(readFileSync(join(FIXTURE_DIR, "manifest.json"), "utf8"));
const stage1Of = (m: JsonObject) => (m.stages as JsonObject).stage1 as JsonObject;

const temps: string[] = [];
function tempCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "deepfloyd-"));
  temps.push(dir);
  cpSync(FIXTURE_DIR, dir, { recursive: true });
  edit(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe("manifest validation", () => {
  it("accepts the stand-in manifest and reads every dimension from it", () => {
    const m = parseManifest(manifestJson());
    expect(m.stages.stage1).toMatchObject({
      sampleSize: 16,
      inChannels: 3,
      outChannels: 6,
      textSeqLen: 77,
      textDim: 32,
    });
    expect(m.stages.stage2).toMatchObject({ sampleSize: 64, inChannels: 6, defaults: { noiseLevel: 250 } });
    expect(m.stages.stage1!.scheduler).toMatchObject({ variance_type: "learned_range", sample_max_value: 1.5 });
    expect(m.embeddings?.count).toBe(14);
  });

  const cases: [string, (m: JsonObject) => void, RegExp][] = [
    [
      "wrong format",
      (m) => (m.format = "something-else"),
      /`format` must be one of "diffusion-studio\/deepfloyd-if" \(got "something-else"\)/,
    ],
    ["newer version", (m) => (m.formatVersion = 2), /`formatVersion` must be one of 1 \(got 2\)/],
    [
      "missing sampleSize",
      (m) => delete stage1Of(m).sampleSize,
      /`stages\.stage1\.sampleSize` must be an integer in \[1, 16384\] \(got nothing \(the field is missing\)\)/,
    ],
    [
      "unknown variance type",
      (m) => ((stage1Of(m).scheduler as JsonObject).variance_type = "wide"),
      /`stages\.stage1\.scheduler\.variance_type` must be one of "learned_range", "learned", "fixed_small", "fixed_large" \(got "wide"\)/,
    ],
    [
      "unknown beta schedule",
      (m) => ((stage1Of(m).scheduler as JsonObject).beta_schedule = "scaled_linear"),
      /`stages\.stage1\.scheduler\.beta_schedule` must be one of "squaredcos_cap_v2", "linear" \(got "scaled_linear"\)/,
    ],
    [
      "wrong channel count",
      (m) => (stage1Of(m).inChannels = 4),
      /`stages\.stage1\.inChannels` must be one of 3 \(got 4\)/,
    ],
    [
      "missing input",
      (m) => (stage1Of(m).inputs = (stage1Of(m).inputs as JsonObject[]).filter((i) => i.name !== "timestep")),
      /`stages\.stage1\.inputs` must be a list that includes an input named "timestep"/,
    ],
    [
      "bad dtype",
      (m) => ((stage1Of(m).inputs as JsonObject[])[0]!.dtype = "int8"),
      /`stages\.stage1\.inputs\[0\]\.dtype` must be one of "float32", "float16" \(got "int8"\)/,
    ],
    [
      "no stages",
      (m) => (m.stages = {}),
      /`stages\.stage1` must be an object \(a manifest needs stage1 and\/or stage2\)/,
    ],
    [
      "embedding shape mismatch",
      (m) => ((m.embeddings as JsonObject).shape = [77, 64]),
      /`embeddings\.shape` must be \[77, 32\] \(the stages' textSeqLen and textDim\) \(got \[77,64\]\)/,
    ],
  ];
  it.each(cases)("%s → an error naming the field, what is allowed and what was found", (_name, edit, message) => {
    const m = manifestJson();
    edit(m);
    expect(() => parseManifest(m)).toThrow(message);
  });
});

describe("export directories", () => {
  it("a maxBatch that could never finish a batch, before any session opens", async () => {
    for (const maxBatch of [0, -1, 0.5]) {
      await expect(loadDeepFloyd(FIXTURE_DIR, { maxBatch })).rejects.toThrow(
        `\`maxBatch\` must be an integer ≥ 1 (got ${maxBatch})`,
      );
    }
  });

  it("a directory without manifest.json", async () => {
    const dir = tempCopy((d) => rmSync(join(d, "manifest.json")));
    await expect(loadDeepFloyd(dir)).rejects.toThrow(
      /manifest\.json not found: point at the folder that `export_if.py export --out DIR` wrote/,
    );
  });

  it("a manifest that is not JSON", () => {
    const dir = tempCopy((d) => writeFileSync(join(d, "manifest.json"), "{ nope"));
    expect(() => readDeepFloydManifest(dir)).toThrow(/manifest\.json: not valid JSON/);
  });

  it("a missing ONNX file names the manifest field and the file", async () => {
    const dir = tempCopy((d) => rmSync(join(d, "stage_2", "unet.onnx")));
    await expect(loadDeepFloyd(dir)).rejects.toThrow(
      /`stages\.stage2\.onnx` names stage_2\/unet\.onnx, which does not exist in .* \(incomplete copy of the export\?\)/,
    );
  });

  it("a corrupt ONNX file says which file could not be opened", async () => {
    const dir = tempCopy((d) => writeFileSync(join(d, "stage_1", "unet.onnx"), "not a model"));
    await expect(loadDeepFloyd(dir, { threads: 1, stages: ["stage1"] })).rejects.toThrow(
      /could not open .*stage_1\/unet\.onnx with onnxruntime-node/,
    );
  });

  it("an index whose key is not in the safetensors file", () => {
    const index = JSON.parse(readFileSync(join(FIXTURE_DIR, "embeddings", "index.json"), "utf8"));
    index.prompts[2].key = "p999";
    const bytes = new Uint8Array(readFileSync(join(FIXTURE_DIR, "embeddings", "embeddings.safetensors")));
    expect(() => EmbeddingStore.fromBytes(bytes, index)).toThrow(
      /`prompts\[2\]\.key` must be the name of a tensor in embeddings \(got "p999"\)/,
    );
  });
});

describe("prompts and inputs", () => {
  let model: DeepFloydModel;
  beforeAll(async () => {
    model = await loadDeepFloyd(FIXTURE_DIR, { threads: 2, device: "cpu", textEncoder: false });
  });
  afterAll(() => model?.dispose());

  it("the store looks prompts up exactly or after diffusers' lower-case + strip", () => {
    const store = model.embeddings!;
    expect(store.prompts).toHaveLength(14);
    expect(store.shape).toEqual([77, 32]);
    expect(store.get("a high quality photo")).toHaveLength(77 * 32);
    expect(store.get("  A High Quality Photo ")).toBe(store.get("a high quality photo"));
    expect(store.nullPrompt).toBe("");
  });

  it("an unknown prompt without a text encoder says how many prompts exist and that free text needs an encoder", async () => {
    expect(() => model.embeddings!.get("a purple cow")).toThrow(
      'unknown prompt "a purple cow": the embedding store has 14 prompts (see `prompts`); free text needs a T5 text encoder (export with --text-encoder)',
    );
    await expect(
      sample({
        denoiser: model.stage1!.denoiser,
        sampler: courseSampler(),
        noise: new Rng(1),
        condition: { prompt: "a purple cow" },
      }),
    ).rejects.toThrow(/unknown prompt "a purple cow": the embedding store has 14 prompts/);
  });

  it("class labels, wrong shapes and wrong stage II images are refused", async () => {
    const d = model.stage1!.denoiser;
    const x = new Rng(1).gaussian([1, 3, 16, 16]);
    await expect(d.predict({ x, t: new Float32Array([990]), conditions: [{ classLabel: 3 }] })).rejects.toThrow(
      /`conditions\[0\]` must be \{ prompt: string \} or null for DeepFloyd IF/,
    );
    await expect(
      d.predict({ x: new Rng(1).gaussian([1, 3, 8, 8]), t: new Float32Array([990]), conditions: [null] }),
    ).rejects.toThrow(/`x\.shape` must be \[B, 3, 16, 16\] for IF-I-standin \(got \[1, 3, 8, 8\]\)/);
    expect(() => model.stage2!.conditioned({ image: new Rng(1).gaussian([1, 1, 16, 16]), noise: new Rng(2) })).toThrow(
      /`image` must have 3 channels/,
    );
    expect(() => model.stage2!.conditioned({ image: x, noise: new Rng(2), noiseLevel: 1000 })).toThrow(
      /`noiseLevel` must be an integer in \[0, 999\] \(got 1000\)/,
    );
    // Two low-resolution images, one sample: the guided pair would see different images in its two halves.
    const two = model.stage2!.conditioned({ image: new Rng(3).gaussian([2, 3, 16, 16]), noise: new Rng(2) });
    expect(two.info.batchSize).toBe(2);
    await expect(
      sample({
        denoiser: two,
        sampler: model.stage2!.sampler({ numInferenceSteps: 2 }),
        noise: new Rng(4),
        condition: { prompt: model.prompts.storedPrompts[0]! },
        guidanceScale: 4,
      }),
    ).rejects.toThrow("`batchSize` must be 2: this denoiser is bound to 2 image(s) (got 1)");
  });
});
