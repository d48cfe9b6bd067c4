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

/** What a published folder's model-card.json adds to the engine card. */
interface PublishedCard {
  readonly name?: unknown;
  readonly description?: unknown;
  readonly sampling?: Partial<RecordedSampling>;
}

/**
 * The engine card of an ONNX file (`onnx`: its bytes, when already read), with what its folder's model-card.json
 * adds: the `sampling` choice, and the run's `name` and `description` as `extra.name` / `extra.description`. A
 * sampling record the policy cannot use fails by name (`card.sampling.sampler` …).
 */
export async function readModelCardFile(file: string, onnx?: Uint8Array): Promise<ModelCard> {
  const card = readModelCard(onnx ?? new Uint8Array(await readFile(file)));
  const published = await publishedCardBeside(file);
  if (!published) return card;
  const sampling = recordedSampling(published.sampling);
  const extra = {
    ...card.extra,
    ...(typeof published.name === "string" ? { name: published.name } : {}),
    ...(typeof published.description === "string" ? { description: published.description } : {}),
  };
  const merged: ModelCard = {
    ...card,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
    ...(sampling && { sampling }),
  };
  if (sampling) samplingPolicy(merged); // validates the record against the sampler table and the model's steps
  return merged;
}

/** The `sampling` field of the model-card.json beside a `model.onnx`, if there is one. */
export async function recordedSamplingBeside(file: string): Promise<RecordedSampling | undefined> {
  return recordedSampling((await publishedCardBeside(file))?.sampling);
}

async function publishedCardBeside(file: string): Promise<PublishedCard | undefined> {
  if (path.basename(file) !== "model.onnx") return undefined;
  const cardFile = path.join(path.dirname(file), CARD_JSON_FILE);
  const text = await readFile(cardFile, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as PublishedCard;
  } catch {
    throw new Error(`${cardFile} is not JSON`);
  }
}

function recordedSampling(sampling: Partial<RecordedSampling> | undefined): RecordedSampling | undefined {
  if (sampling === undefined) return undefined;
  const { sampler, steps, guidanceScale } = sampling;
  if (typeof sampler !== "string" || typeof steps !== "number") {
    throw new Error(`${CARD_JSON_FILE}: \`sampling\` must be { sampler, steps, guidanceScale? }`);
  }
  return { sampler, steps, ...(typeof guidanceScale === "number" ? { guidanceScale } : {}) };
}
