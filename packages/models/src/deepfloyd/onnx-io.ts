/**
 * The slice of ONNX Runtime the DeepFloyd runtime needs, independent of onnxruntime-node / -web, plus the dtype
 * conversions at the session boundary: the samplers work in float32, fp16 exports may take and return float16.
 */
import type { InferenceSession, Tensor } from "onnxruntime-common";
import { float32ToHalf, halfToFloat32 } from "../numeric/float16.js";
import type { TensorDtype, TensorSpec } from "./manifest.js";

export type TensorData = Float32Array | Uint16Array | BigInt64Array;

/** Makes tensors for one ONNX Runtime build (its own `Tensor` class). */
export type TensorFactory = (dtype: TensorDtype, data: TensorData, dims: readonly number[]) => Tensor;

/** A loaded ONNX model (an `InferenceSession` of either runtime). */
export type OnnxSession = Pick<InferenceSession, "run" | "release" | "inputNames" | "outputNames">;

/** A float32 array as a tensor of the spec's dtype (float16 is converted with round-to-nearest-even). */
export function floatFeed(
  tensor: TensorFactory,
  spec: TensorSpec,
  data: Float32Array,
  dims: readonly number[],
): Tensor {
  if (spec.dtype === "float32") return tensor("float32", data, dims);
  if (spec.dtype === "float16") return tensor("float16", float32ToHalf(data), dims);
  throw new TypeError(`input \`${spec.name}\` has dtype ${spec.dtype}; expected float32 or float16`);
}

/** Integer ids as an int64 tensor. */
export function int64Feed(tensor: TensorFactory, data: ArrayLike<number>, dims: readonly number[]): Tensor {
  return tensor("int64", BigInt64Array.from(Array.from(data, (v) => BigInt(v))), dims);
}

/** A float32 or float16 output as float32 values, with its element count checked. */
export function floatOutput(outputs: InferenceSession.ReturnType, name: string, expectedLength: number): Float32Array {
  const value = outputs[name];
  if (!value || !("type" in value) || !("data" in value)) {
    throw new Error(`the ONNX model returned no output \`${name}\` (got ${Object.keys(outputs).join(", ") || "none"})`);
  }
  const t = value as Tensor;
  let data: Float32Array;
  if (t.type === "float32") data = t.data as Float32Array;
  else if (t.type === "float16") data = halfToFloat32(t.data as Uint16Array);
  else throw new TypeError(`output \`${name}\` has type ${t.type}; expected float32 or float16`);
  if (data.length !== expectedLength) {
    throw new RangeError(
      `output \`${name}\` has ${data.length} values (dims [${t.dims.join(", ")}]); expected ${expectedLength}`,
    );
  }
  return data;
}
