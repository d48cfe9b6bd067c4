import { Rng as CoreRng } from "@diffusion-studio/core";

/**
 * Random streams derived from the run's seed and a path of integers (purpose, epoch, batch, …). Every batch gets
 * its own stream, so a run resumed at any step draws exactly what the uninterrupted run drew, with no generator
 * state to save.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Marsaglia polar method, platform-independent bits). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  fillNormal(out: Float32Array): Float32Array;
  fillUniform(out: Float32Array): Float32Array;
}

/** Streams used by the trainer; the numbers are part of the on-disk contract of a seed (never renumber). */
export const Stream = {
  shuffle: 1,
  batchNoise: 2,
  init: 3,
  samples: 4,
  evaluation: 5,
} as const;

/** murmur3's 32-bit finaliser: a cheap, well-mixed bijection on uint32. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit seed for the stream at `path` under `seed`. Distinct paths give unrelated streams. */
export function deriveSeed(seed: number, ...path: readonly number[]): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  for (const part of path) h = fmix32((h ^ fmix32(part + 0x632be5ab)) + 0x7f4a7c15);
  return h;
}

/** The stream at `path` under `seed`: core's portable xoshiro128** generator, seeded by `deriveSeed`. */
export function createRng(seed: number, ...path: readonly number[]): Rng {
  const core = new CoreRng(deriveSeed(seed, ...path));
  const uniform = () => core.uniform();
  const normal = () => core.normal();
  return {
    uniform,
    normal,
    int: (n) => core.integer(n),
    fillNormal(out) {
      for (let i = 0; i < out.length; i++) out[i] = normal();
      return out;
    },
    fillUniform(out) {
      for (let i = 0; i < out.length; i++) out[i] = uniform();
      return out;
    },
  };
}

/** A uniformly random permutation of 0…n−1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}
