/**
 * The small slice of ONNX Runtime that the trainer and inference models use. `./node` and `./web` each provide one
 * (onnxruntime-node / onnxruntime-web); the code above it is shared.
 */
import type { InferenceSession, Tensor } from "onnxruntime-common";

export interface Runtime {
  /** e.g. "onnxruntime-node 1.30.0 (cpu)": the provider actually used once a session exists. */
  readonly name: string;
  createSession(model: Uint8Array): Promise<InferenceSession>;
  tensor(data: Float32Array, dims: readonly number[]): Tensor;
}

export type { InferenceSession, Tensor };

/** Refuses NaN and ±Infinity in a training input: one would turn every weight and Adam moment into NaN. */
export function assertFinite(field: string, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(`\`${field}\` holds ${data[i]} at index ${i}; training inputs must be finite numbers`);
    }
  }
}

/** Checks a flat batch array's length and returns the batch size it implies. */
export function batchOf(field: string, data: Float32Array | undefined, perItem: number, expected?: number): number {
  if (!(data instanceof Float32Array)) throw new TypeError(`\`${field}\` must be a Float32Array`);
  const batch = data.length / perItem;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`\`${field}\` has ${data.length} values; expected a positive multiple of ${perItem}`);
  }
  if (expected !== undefined && batch !== expected) {
    throw new RangeError(`\`${field}\` holds ${batch} items (${data.length} values); expected ${expected} items`);
  }
  return batch;
}
