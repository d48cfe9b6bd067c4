/**
 * IEEE-754 binary16 ⇄ float32 conversion for fp16 ONNX inputs/outputs and F16 safetensors. Bit patterns live in
 * Uint16Arrays (what onnxruntime's "float16" tensors take on engines without `Float16Array`).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float32 value → the nearest binary16 bit pattern (round to nearest even; overflow → ±∞; NaN kept). */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // ∞ or NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflows to ±0
    // subnormal: shift the implicit-1 mantissa into place, round to nearest even
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let out = m >>> shift;
    if (rest > half || (rest === half && out & 1)) out++;
    return sign | out;
  }
  let out = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out++; // may carry into the exponent, which is correct
  return sign | out;
}

/** One binary16 bit pattern → its exact float32 value. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function float32ToHalf(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toHalfBits(data[i]!);
  return out;
}

/**
 * binary16 data → Float32Array. Accepts bit patterns (Uint16Array) or any array of numbers (e.g. a `Float16Array`,
 * which onnxruntime returns where the engine has one).
 */
export function halfToFloat32(data: Uint16Array | ArrayLike<number>): Float32Array {
  const out = new Float32Array(data.length);
  if (data instanceof Uint16Array) {
    for (let i = 0; i < data.length; i++) out[i] = fromHalfBits(data[i]!);
  } else {
    for (let i = 0; i < data.length; i++) out[i] = data[i]!;
  }
  return out;
}
