/**
 * A published model folder records its measured default sampler in `model-card.json` (`evaluate --sweep` writes it
 * after `publish` wrote the ONNX, whose metadata holds the engine card). Reading the record from beside the ONNX keeps
 * the committed binaries untouched; the policy then defaults to it like a card that carried it from export.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ModelCard, RecordedSampling } from "../nn/kinds.js";
import { readModelCard } from "../runtime/inference-model.js";
import { samplingPolicy } from "./policy.js";

/** The file beside a `model.onnx` that may record its sampling choice. */
export const CARD_JSON_FILE = "model-card.json";

/**
 * The engine card of an ONNX file (`onnx`: its bytes, when already read), with the `sampling` choice its folder's
 * model-card.json records merged in. A record the policy cannot use fails by name (`card.sampling.sampler` …).
 */
export async function readModelCardFile(file: string, onnx?: Uint8Array): Promise<ModelCard> {
  const card = readModelCard(onnx ?? new Uint8Array(await readFile(file)));
  const sampling = await recordedSamplingBeside(file);
  if (!sampling) return card;
  const merged: ModelCard = { ...card, sampling };
  samplingPolicy(merged); // validates the record against the sampler table and the model's steps
  return merged;
}

/** The `sampling` field of the model-card.json beside a `model.onnx`, if there is one. */
export async function recordedSamplingBeside(file: string): Promise<RecordedSampling | undefined> {
  if (path.basename(file) !== "model.onnx") return undefined;
  const cardFile = path.join(path.dirname(file), CARD_JSON_FILE);
  const text = await readFile(cardFile, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const { sampling } = JSON.parse(text) as { sampling?: Partial<RecordedSampling> };
  if (sampling === undefined) return undefined;
  const { sampler, steps, guidanceScale } = sampling;
  if (typeof sampler !== "string" || typeof steps !== "number") {
    throw new Error(`${cardFile}: \`sampling\` must be { sampler, steps, guidanceScale? }`);
  }
  return { sampler, steps, ...(typeof guidanceScale === "number" ? { guidanceScale } : {}) };
}
