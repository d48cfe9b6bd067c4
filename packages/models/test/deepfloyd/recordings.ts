/** Reads the diffusers recordings committed with the IF stand-ins (see fixtures/deepfloyd/README.md). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ImageBatch } from "@diffusion-studio/core";
import { readSafetensorsHeader, readSafetensorsTensor } from "../../src/checkpoint/safetensors.js";
import type { SchedulerConfig } from "../../src/deepfloyd/manifest.js";

export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/deepfloyd/", import.meta.url));

export interface RecordedCase {
  readonly name: string;
  readonly stage: 1 | 2;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly guidanceScale: number;
  readonly timesteps: number[];
  readonly noiseLevel?: number;
  readonly scheduler: SchedulerConfig;
  readonly tensors: Record<string, string>;
}

const json = JSON.parse(readFileSync(`${FIXTURE_DIR}recordings/recordings.json`, "utf8")) as {
  cases: RecordedCase[];
  shapes: Record<string, number[]>;
};
const bytes = new Uint8Array(readFileSync(`${FIXTURE_DIR}recordings/recordings.safetensors`));
const header = readSafetensorsHeader(bytes);

export const cases = json.cases;

export function recordedCase(name: string): RecordedCase {
  const c = cases.find((k) => k.name === name);
  if (!c) throw new Error(`no recorded case ${name}`);
  return c;
}

export function tensor(name: string): { shape: readonly number[]; data: Float32Array } {
  return { shape: header.entries.get(name)!.shape, data: readSafetensorsTensor(bytes, header, name) };
}

/** A recorded [B, C, H, W] tensor as an ImageBatch. */
export function image(name: string): ImageBatch {
  const t = tensor(name);
  const [b, c, h, w] = t.shape;
  return { shape: [b!, c!, h!, w!], data: t.data };
}

/** A recorded [steps, B, C, H, W] stack as one ImageBatch per step. */
export function stack(name: string): ImageBatch[] {
  const t = tensor(name);
  const [n, b, c, h, w] = t.shape as [number, number, number, number, number];
  const size = b * c * h * w;
  return Array.from({ length: n }, (_, i) => ({
    shape: [b, c, h, w] as const,
    data: t.data.slice(i * size, (i + 1) * size),
  }));
}

/** The README's metric: max|got − ref| / max(1, max|ref|). */
export function scaledError(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) throw new Error(`length ${got.length} vs ${ref.length}`);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < got.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return diff / scale;
}

export function maxAbsDiff(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
  return diff;
}
