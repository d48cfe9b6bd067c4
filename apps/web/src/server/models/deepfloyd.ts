import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { type DeepFloydManifest, EmbeddingStore, IF_DEFAULTS } from "@diffusion-studio/models";
import { readDeepFloydManifest } from "@diffusion-studio/models/files";
import type { ModelInfo, ModelProblem } from "@/shared/models";
import { VIEWS } from "@/shared/recipes";
import { CONDITIONED_PROCEDURES, samplerInfo } from "./model-info";
import type { ModelSource, RegisteredModel } from "./registry";

export const DEEPFLOYD_ID = "deepfloyd-if";
const MANIFEST = "manifest.json";

/** The models package's choice for IF: part A's loop 990, 960, …, 0 (34 strided timesteps) with CFG γ = 7. */
export const DEEPFLOYD_DEFAULTS = {
  sampler: IF_DEFAULTS.sampler,
  steps: IF_DEFAULTS.steps,
  guidance: IF_DEFAULTS.guidanceScale,
} as const;
/** Stage II steps the portal proposes (the course runs 10–20; diffusers' default of 50 is slow without a GPU). */
const UPSCALE_STEPS = 20;

type Outcome = { model: RegisteredModel; problem?: undefined } | { model?: undefined; problem: ModelProblem };

/**
 * "DeepFloyd IF" from an export directory (DEEPFLOYD_DIR). Reads only the manifest and the embedding store here (no
 * ONNX Runtime in the portal process); the worker opens the sessions. A missing or broken export offers no model and
 * reports the problem instead, logged once per change.
 */
export function deepFloydSource(dir: string): ModelSource {
  const label = `DeepFloyd IF (DEEPFLOYD_DIR=${dir})`;
  let cached: { signature: string; outcome: Outcome } | undefined;
  let warned: string | undefined;

  const current = async (): Promise<Outcome> => {
    const signature = await signatureOf(dir);
    if (cached?.signature !== signature) {
      cached = { signature, outcome: await inspect(dir, label) };
      const problem = cached.outcome.problem;
      if (problem && problem.message !== warned) {
        console.warn(`${label} is not offered: ${problem.message}`);
      }
      warned = problem?.message;
    }
    return cached.outcome;
  };
  return {
    async list() {
      const { model } = await current();
      return model ? [model] : [];
    },
    async problems() {
      const { problem } = await current();
      return problem ? [problem] : [];
    },
  };
}

/** Changes when the manifest or the embedding index is replaced (a re-export). */
async function signatureOf(dir: string): Promise<string> {
  const stamp = async (file: string) => (await fs.stat(file).catch(() => undefined))?.mtimeMs ?? "missing";
  return `${await stamp(path.join(dir, MANIFEST))}|${await stamp(path.join(dir, "embeddings", "index.json"))}`;
}

async function inspect(dir: string, label: string): Promise<Outcome> {
  try {
    return { model: await describeExport(dir) };
  } catch (err) {
    return { problem: { source: label, message: err instanceof Error ? err.message : String(err) } };
  }
}

/** Validates the export the way the worker will open it and describes it for the UI. */
export async function describeExport(dir: string): Promise<RegisteredModel> {
  const manifestPath = path.join(dir, MANIFEST);
  // The models package's own check (every file the manifest names exists), without loading ONNX Runtime here.
  const manifest = readDeepFloydManifest(dir);
  const stage1 = manifest.stages.stage1;
  if (!stage1)
    throw new Error(`${manifestPath}: the export has no stage I (\`stages.stage1\`), which every procedure needs`);
  const stored = await storedPrompts(dir, manifest);
  const freeText = manifest.textEncoder != null;
  if (stored.length === 0 && !freeText) {
    throw new Error(
      `${manifestPath}: the export has neither prompt embeddings nor a text encoder; nothing can be asked`,
    );
  }
  const stage2 = manifest.stages.stage2;
  const standIn = manifest.standIn;
  const info: ModelInfo = {
    id: DEEPFLOYD_ID,
    name: "DeepFloyd IF",
    description:
      `${stage1.modelId}${stage2 ? ` + ${stage2.modelId} (${stage2.sampleSize}² upscaling)` : ""}, ` +
      `${stored.length} stored prompts${freeText ? ", free text (T5 encoder)" : ""}` +
      (standIn ? "; stand-in export with random weights (outputs are noise)" : ""),
    source: "configured",
    conditioning: { type: "text", freeText, storedPrompts: stored },
    shape: [stage1.imageChannels, stage1.sampleSize, stage1.sampleSize],
    // One sampler (the export's own scheduler): nothing to compare.
    procedures: CONDITIONED_PROCEDURES.filter((p) => p !== "sampler-compare"),
    samplers: [samplerInfo(IF_DEFAULTS.sampler)],
    anagramViews: VIEWS, // pixels in [−1, 1]
    defaults: DEEPFLOYD_DEFAULTS,
    courseSteps: IF_DEFAULTS.steps,
    promptExamples: stored,
    fileSha256: createHash("sha256")
      .update(await fs.readFile(manifestPath))
      .digest("hex"),
    ...(stage2 && {
      upscale: {
        size: stage2.sampleSize,
        steps: UPSCALE_STEPS,
        guidance: stage2.defaults.guidanceScale,
        noiseLevel: stage2.defaults.noiseLevel ?? 250,
      },
    }),
  };
  return { info, format: "deepfloyd-if", file: dir, ref: `path:${dir}` };
}

/** The prompts with stored embeddings, without the CFG null prompt (""), validated against the safetensors file. */
async function storedPrompts(dir: string, m: DeepFloydManifest): Promise<string[]> {
  if (!m.embeddings) return [];
  const index: unknown = JSON.parse(await fs.readFile(path.join(dir, m.embeddings.index), "utf8"));
  const bytes = new Uint8Array(await fs.readFile(path.join(dir, m.embeddings.safetensors)));
  const store = EmbeddingStore.fromBytes(bytes, index, {
    shape: m.embeddings.shape,
    source: path.join(dir, m.embeddings.safetensors),
  });
  return store.prompts.filter((p) => p !== store.nullPrompt);
}
