/** The safetensors container and the checkpoint format on top of it. */
import { describe, expect, it } from "vitest";
import { CHECKPOINT_FORMAT, decodeCheckpoint, encodeCheckpoint } from "../src/checkpoint/checkpoint.js";
import { decodeSafetensors, encodeSafetensors } from "../src/checkpoint/safetensors.js";
import { ADAM_DEFAULTS } from "../src/graph/adam.js";

const tensors = new Map([
  ["a.weight", { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
  ["a.bias", { shape: [1], data: Float32Array.of(-0.5) }],
]);

describe("safetensors", () => {
  it("round-trips tensors and metadata with an 8-byte aligned data section", () => {
    const bytes = encodeSafetensors(tensors, { note: "x" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header["a.weight"]).toEqual({ dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ note: "x" });
    expect(back.tensors.get("a.weight")).toEqual(tensors.get("a.weight"));
    expect(back.tensors.get("a.bias")?.data[0]).toBe(-0.5);
  });

  it("rejects truncated files and unsupported dtypes with a clear error", () => {
    const bytes = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(bytes.subarray(0, 4))).toThrow(/shorter than/);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 8))).toThrow(/inconsistent data_offsets/);
    const header = new TextEncoder().encode(JSON.stringify({ x: { dtype: "F16", shape: [1], data_offsets: [0, 2] } }));
    const f16 = new Uint8Array(8 + header.length + 2);
    new DataView(f16.buffer).setBigUint64(0, BigInt(header.length), true);
    f16.set(header, 8);
    expect(() => decodeSafetensors(f16)).toThrow(/`x` has dtype F16/);
  });

  it("refuses a header that is not JSON or has impossible entries, naming the tensor", () => {
    const withHeader = (text: string) => {
      const header = new TextEncoder().encode(text);
      const out = new Uint8Array(8 + header.length + 8);
      new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      return out;
    };
    expect(() => decodeSafetensors(withHeader("{not json"))).toThrow(/the header is not JSON/);
    for (const entry of [
      { dtype: "F32", data_offsets: [0, 4] },
      { dtype: "F32", shape: [1], data_offsets: [-8, 0] },
      { dtype: "F32", shape: [-1], data_offsets: [0, 4] },
    ]) {
      expect(() => decodeSafetensors(withHeader(JSON.stringify({ w: entry })))).toThrow(
        "safetensors: tensor `w` needs a shape and two data_offsets of non-negative integers",
      );
    }
  });
});

describe("checkpoint", () => {
  it("stores kind, D, step, lr and Adam settings in the metadata", () => {
    const bytes = encodeCheckpoint({ kind: "flow-time", D: 16, step: 42, lr: 0.003, adam: ADAM_DEFAULTS, tensors });
    const c = decodeCheckpoint(bytes);
    expect(c).toMatchObject({ kind: "flow-time", D: 16, step: 42, lr: 0.003, adam: ADAM_DEFAULTS });
    expect(c.tensors.get("a.weight")?.data).toEqual(tensors.get("a.weight")?.data);
  });

  it("refuses a safetensors file that is not a checkpoint", () => {
    expect(() => decodeCheckpoint(encodeSafetensors(tensors, { format: "other" }))).toThrow(/`format`/);
  });

  it("refuses metadata a resume would turn into NaN weights, naming the field", () => {
    const meta = { format: CHECKPOINT_FORMAT, kind: "flow-time", D: "4", step: "3", lr: "0.01", adam: "{}" };
    const withMeta = (change: Record<string, string>) => encodeSafetensors(tensors, { ...meta, ...change });
    expect(() => decodeCheckpoint(withMeta({ adam: JSON.stringify(ADAM_DEFAULTS) }))).not.toThrow();
    expect(() => decodeCheckpoint(withMeta({ lr: "abc" }))).toThrow(
      "checkpoint: `lr` must be a finite number ≥ 0; got abc",
    );
    expect(() => decodeCheckpoint(withMeta({ step: "-7" }))).toThrow(
      /checkpoint: `step` must be a non-negative integer/,
    );
    expect(() => decodeCheckpoint(withMeta({ D: "x" }))).toThrow(/checkpoint: `D`/);
    expect(() => decodeCheckpoint(withMeta({ adam: "{" }))).toThrow(/checkpoint: `adam` is not JSON/);
    expect(() => decodeCheckpoint(withMeta({ adam: JSON.stringify({ ...ADAM_DEFAULTS, beta1: 1 }) }))).toThrow(
      "checkpoint: `adam.beta1` must be a number in [0, 1); got 1",
    );
  });
});
