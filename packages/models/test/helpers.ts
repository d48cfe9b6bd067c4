/** Shared test helpers: a CPU runtime, fixture loading and error metrics. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeSafetensors, type SafetensorsFile } from "../src/checkpoint/safetensors.js";
import { createNodeRuntime } from "../src/node.js";

/** Two threads: CI has two cores shared by every package's tests. */
export const runtime = createNodeRuntime({ threads: 2 });

export function fixture(name: string): SafetensorsFile {
  return decodeSafetensors(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))));
}

/** max|a − b| / max|ref| over a tensor: the per-tensor relative error the prototype notes use. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) throw new Error(`length ${actual.length} vs ${reference.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}
