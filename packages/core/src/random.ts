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

export type NoisePurpose = "initial" | "step" | "forward";

/** Where samplers get Gaussian noise. `Rng` is the standard one; tests wrap it to record or replay tensors. */
export interface NoiseSource {
  /**
   * A fresh batch of independent N(0, 1) samples. `purpose` says what it is for ("initial", "step" for a reverse
   * step's σ·z, "forward" for the forward process); sources may ignore it, tests use it to record draws.
   */
  gaussian(shape: Shape, purpose?: NoisePurpose): ImageBatch;
}

const LN2 = Math.LN2;
const SQRT1_2 = Math.SQRT1_2;
/** INV[k] = 1/k (exact IEEE division, the same everywhere). */
const INV = Array.from({ length: 24 }, (_, k) => (k === 0 ? 0 : 1 / k));

/**
 * Natural log for x in (0, 1], from +, −, ×, ÷ only. `Math.log` may differ in the last bit between JS engines;
 * this may not, because IEEE-754 double arithmetic is exactly specified in ECMAScript.
 * Error < 2e-16 relative to the true value (tested against Math.log).
 */
export function portableLog(x: number): number {
  // Outside (0, 1] the scaling loop below would never end (x ≤ 0) or the series would not converge.
  if (!(x > 0 && x <= 1)) throw new RangeError(`\`x\` must be a number in (0, 1] (got ${x})`);
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
  // Horner form of Σ z^(2k)/(2k+1), coefficients 1/(2k+1) written out so no division runs per call.
  const p =
    1 +
    z2 *
      (INV[3]! +
        z2 *
          (INV[5]! +
            z2 *
              (INV[7]! +
                z2 *
                  (INV[9]! +
                    z2 *
                      (INV[11]! +
                        z2 *
                          (INV[13]! +
                            z2 * (INV[15]! + z2 * (INV[17]! + z2 * (INV[19]! + z2 * (INV[21]! + z2 * INV[23]!))))))))));
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
    const one = new Float64Array(1);
    this.fillNormal(one);
    return one[0]!;
  }

  /** A batch of N(0, 1) samples, filled in NCHW order. */
  gaussian(shape: Shape): ImageBatch {
    const out = imageBatch(shape);
    this.fillNormal(out.data);
    return out;
  }

  /**
   * Fills `out` with N(0, 1) samples: the Marsaglia polar method on 53-bit uniforms, each accepted pair giving two
   * samples in order. The generator state lives in locals here for speed; the sequence is the same as calling
   * `normal()` repeatedly.
   */
  fillNormal(out: Float32Array | Float64Array): void {
    let { s0, s1, s2, s3 } = this;
    const next = (): number => {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      return r;
    };
    let i = 0;
    if (this.spare !== undefined && out.length > 0) {
      out[i++] = this.spare;
      this.spare = undefined;
    }
    while (i < out.length) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = (2 * ((next() >>> 5) * 67108864 + (next() >>> 6))) / 9007199254740992 - 1;
        v = (2 * ((next() >>> 5) * 67108864 + (next() >>> 6))) / 9007199254740992 - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * portableLog(s)) / s);
      out[i++] = u * f;
      if (i < out.length) out[i++] = v * f;
      else this.spare = v * f;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
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

/**
 * Replays recorded noise tensors in order (for parity with another implementation's run). Throws when a draw's shape
 * differs from the recording or the recording runs out.
 */
export class NoiseReplay implements NoiseSource {
  private next = 0;
  constructor(private readonly tensors: readonly ImageBatch[]) {}

  gaussian(shape: Shape): ImageBatch {
    const t = this.tensors[this.next];
    if (!t)
      throw new RangeError(
        `\`NoiseReplay\` has only ${this.tensors.length} recorded tensors (draw ${this.next + 1} requested)`,
      );
    if (t.shape.join() !== shape.join()) {
      throw new RangeError(
        `recorded noise ${this.next} has shape [${t.shape.join(", ")}], but [${shape.join(", ")}] was drawn`,
      );
    }
    this.next++;
    return t;
  }

  /** How many recorded tensors have not been drawn. */
  get remaining(): number {
    return this.tensors.length - this.next;
  }
}

/**
 * Wraps a noise source and keeps every draw with its purpose — the counterpart of NoiseReplay: record a run here,
 * replay it elsewhere, or check which noise a procedure used where.
 */
export class NoiseRecorder implements NoiseSource {
  readonly draws: { readonly purpose: NoisePurpose | undefined; readonly noise: ImageBatch }[] = [];
  constructor(private readonly source: NoiseSource) {}

  gaussian(shape: Shape, purpose?: NoisePurpose): ImageBatch {
    const noise = this.source.gaussian(shape, purpose);
    this.draws.push({ purpose, noise });
    return noise;
  }
}
