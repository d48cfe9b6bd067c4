import { checkNumber } from "./errors.js";
import { type ImageBatch, imageBatch, type Shape } from "./tensor.js";

/**
 * mulberry32: a tiny 32-bit seeded PRNG (kept for callers that only need uniforms).
 * Same seed, same sequence, on every JS engine, because it only uses 32-bit integer arithmetic.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where samplers get Gaussian noise. `Rng` is the standard one; tests wrap it to record or replay tensors. */
export interface NoiseSource {
  /** A fresh batch of independent N(0, 1) samples. */
  gaussian(shape: Shape): ImageBatch;
}

const LN2 = Math.LN2;
const SQRT1_2 = Math.SQRT1_2;

/**
 * Natural log for x in (0, 1], from +, −, ×, ÷ only. `Math.log` may differ in the last bit between JS engines;
 * this may not, because IEEE-754 double arithmetic is exactly specified in ECMAScript.
 * Error < 2e-16 relative to the true value (tested against Math.log).
 */
export function portableLog(x: number): number {
  let m = x;
  let e = 0;
  // Scale into [√½, √2) by exact powers of two.
  while (m < SQRT1_2) {
    m *= 2;
    e -= 1;
  }
  // ln m = 2·atanh(z), z = (m−1)/(m+1), |z| < 0.1716; the series to z^23 is below 1e-18.
  const z = (m - 1) / (m + 1);
  const z2 = z * z;
  let p = 1 / 23;
  for (let k = 21; k >= 1; k -= 2) p = 1 / k + z2 * p;
  return e * LN2 + 2 * z * p;
}

/**
 * The project's seeded PRNG: xoshiro128** (Blackman & Vigna, 2018, https://prng.di.unimi.it/) seeded through
 * SplitMix32, with N(0, 1) samples from the Marsaglia polar method using `portableLog`. Only 32-bit integer ops and
 * exactly specified float64 ops are used, so a seed gives the same bytes on every platform and JS engine.
 */
export class Rng implements NoiseSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  /** @param seed an integer in [0, 2³² − 1]. */
  constructor(readonly seed: number) {
    checkNumber("seed", seed, { min: 0, max: 0xffffffff, integer: true });
    let state = seed >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    checkNumber("n", n, { min: 1, max: 2 ** 32, integer: true });
    return Math.floor(this.uniform() * n);
  }

  /** One N(0, 1) sample (float64). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * portableLog(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** A batch of N(0, 1) samples, filled in NCHW order. */
  gaussian(shape: Shape): ImageBatch {
    const out = imageBatch(shape);
    const d = out.data;
    for (let i = 0; i < d.length; i++) d[i] = this.normal();
    return out;
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = p[i]!;
      p[i] = p[j]!;
      p[j] = tmp;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
