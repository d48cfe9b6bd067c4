/**
 * The safetensors container (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, then the raw
 * little-endian tensor bytes. Only F32 tensors are written; F32 and F16 are read (`readSafetensorsTensor`).
 */
import { halfToFloat32 } from "../numeric/float16.js";

export interface SafetensorsFile {
  readonly tensors: Map<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
  readonly metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function encodeSafetensors(
  tensors: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: { ...metadata } };
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor \`${name}\`: ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: "F32", shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (the format allows trailing whitespace).
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += " ";
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte range relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** A parsed header: where each tensor lies, without decoding any data (for large stores read lazily). */
export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Record<string, string>;
  /** Byte offset of the data section in the file. */
  readonly dataStart: number;
}

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { F32: 4, F16: 2 };

/** Parses and checks the header (lengths and offsets against the file size); F32 and F16 tensors are allowed. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (bytes.length < 8) throw new Error("safetensors: file shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new Error(`safetensors: header length ${headerLength} exceeds the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw new Error("safetensors: the header is not JSON (not a safetensors file, or a damaged one)");
  }
  const dataStart = 8 + headerLength;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as HeaderEntry;
    const offsets = entry?.data_offsets;
    if (
      !Array.isArray(entry?.shape) ||
      !entry.shape.every((d) => Number.isInteger(d) && d >= 0) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0)
    ) {
      throw new Error(`safetensors: tensor \`${name}\` needs a shape and two data_offsets of non-negative integers`);
    }
    const size = BYTES_PER_ELEMENT[entry.dtype];
    if (size === undefined) {
      throw new Error(`safetensors: tensor \`${name}\` has dtype ${entry.dtype}; only F32 and F16 are supported`);
    }
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== size * count || dataStart + end > bytes.length) {
      throw new Error(`safetensors: tensor \`${name}\` has inconsistent data_offsets [${begin}, ${end}]`);
    }
    entries.set(name, { dtype: entry.dtype, shape: entry.shape, dataOffsets: [begin, end] });
  }
  return { entries, metadata, dataStart };
}

/** Decodes one tensor to float32 (F16 values are widened exactly). */
export function readSafetensorsTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Float32Array {
  const entry = header.entries.get(name);
  if (!entry) throw new Error(`safetensors: no tensor named \`${name}\``);
  const [begin, end] = entry.dataOffsets;
  // Copy into a fresh buffer: the data may not be aligned within `bytes` (and a Node Buffer's slice is a view).
  const raw = new Uint8Array(end - begin);
  raw.set(bytes.subarray(header.dataStart + begin, header.dataStart + end));
  if (entry.dtype === "F32") return new Float32Array(raw.buffer);
  return halfToFloat32(new Uint16Array(raw.buffer));
}

export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  const header = readSafetensorsHeader(bytes);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, entry] of header.entries) {
    if (entry.dtype !== "F32")
      throw new Error(`safetensors: tensor \`${name}\` has dtype ${entry.dtype}; only F32 is supported`);
    tensors.set(name, { shape: [...entry.shape], data: readSafetensorsTensor(bytes, header, name) });
  }
  return { tensors, metadata: header.metadata };
}
