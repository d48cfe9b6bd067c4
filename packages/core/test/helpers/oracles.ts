import type {
  Condition,
  Denoiser,
  DenoiserInfo,
  DenoiserInput,
  DenoiserOutput,
  ImageBatch,
  NoiseSchedule,
} from "../../src/index.js";
import { imageBatch } from "../../src/index.js";

/** Per-channel Gaussian data statistics for a condition. */
export type GaussianStats = (condition: Condition) => { mean: number[]; std: number[] };

/**
 * The exact ε-prediction for data x0 ~ N(μ, s²) per pixel: x_t ~ N(√ᾱ·μ, ᾱs² + 1 − ᾱ), so
 * E[ε | x_t] = √(1−ᾱ)·(x_t − √ᾱ·μ)/(ᾱs² + 1 − ᾱ).
 */
export function gaussianEpsilonOracle(
  schedule: NoiseSchedule,
  stats: GaussianStats,
  size: { channels: number; height: number; width: number },
  variance?: number,
): Denoiser & { calls: DenoiserInput[] } {
  const calls: DenoiserInput[] = [];
  return {
    calls,
    info: { ...size, prediction: "epsilon", time: "discrete", learnedVariance: variance !== undefined },
    async predict(input: DenoiserInput): Promise<DenoiserOutput> {
      calls.push(input);
      const [b, c, h, w] = input.x.shape;
      const out = imageBatch(input.x.shape);
      for (let n = 0; n < b; n++) {
        const ab = schedule.alphasCumprod[input.t[n]!]!;
        const { mean, std } = stats(input.conditions[n]!);
        for (let ch = 0; ch < c; ch++) {
          const m = mean[ch]!;
          const s2 = std[ch]! ** 2;
          const k = Math.sqrt(1 - ab) / (ab * s2 + 1 - ab);
          for (let i = (n * c + ch) * h * w, e = i + h * w; i < e; i++) {
            out.data[i] = k * (input.x.data[i]! - Math.sqrt(ab) * m);
          }
        }
      }
      const v =
        variance === undefined
          ? undefined
          : imageBatch(input.x.shape, new Float32Array(out.data.length).fill(variance));
      return { kind: "epsilon", prediction: out, variance: v };
    },
  };
}

/**
 * The exact flow velocity for x1 ~ N(μ, s²), x0 ~ N(0, 1), x_t = (1−t)x0 + t·x1:
 * E[x1 − x0 | x_t] = μ + (t·s² − (1−t))/((1−t)² + t²s²)·(x_t − t·μ).
 */
export function gaussianVelocityOracle(
  stats: GaussianStats,
  size: { channels: number; height: number; width: number },
): Denoiser & { calls: DenoiserInput[] } {
  const calls: DenoiserInput[] = [];
  return {
    calls,
    info: { ...size, prediction: "velocity", time: "continuous", learnedVariance: false },
    async predict(input: DenoiserInput): Promise<DenoiserOutput> {
      calls.push(input);
      const [b, c, h, w] = input.x.shape;
      const out = imageBatch(input.x.shape);
      for (let n = 0; n < b; n++) {
        const t = input.t[n]!;
        const { mean, std } = stats(input.conditions[n]!);
        for (let ch = 0; ch < c; ch++) {
          const m = mean[ch]!;
          const s2 = std[ch]! ** 2;
          const k = (t * s2 - (1 - t)) / ((1 - t) ** 2 + t * t * s2);
          for (let i = (n * c + ch) * h * w, e = i + h * w; i < e; i++)
            out.data[i] = m + k * (input.x.data[i]! - t * m);
        }
      }
      return { kind: "velocity", prediction: out };
    },
  };
}

function conditionCode(c: Condition): number {
  if (c === null) return 0;
  if ("classLabel" in c) return 1 + c.classLabel;
  let h = 17;
  for (const ch of c.prompt) h = (h * 31 + ch.charCodeAt(0)) % 1009;
  return 0.1 * h;
}

/**
 * A deterministic, non-linear, position-dependent stand-in for a network: each item's output depends only on that
 * item's x, t and condition, so results do not depend on how items are batched. Not equivariant to any view.
 */
export function mixingDenoiser(
  info: Omit<DenoiserInfo, "learnedVariance">,
  learnedVariance = false,
): Denoiser & { calls: DenoiserInput[] } {
  const calls: DenoiserInput[] = [];
  return {
    calls,
    info: { ...info, learnedVariance },
    async predict(input: DenoiserInput): Promise<DenoiserOutput> {
      calls.push(input);
      const [b, c, h, w] = input.x.shape;
      const out = imageBatch(input.x.shape);
      const variance = learnedVariance ? imageBatch(input.x.shape) : undefined;
      const x = input.x.data;
      for (let n = 0; n < b; n++) {
        const code = conditionCode(input.conditions[n]!);
        const t = input.t[n]!;
        for (let ch = 0; ch < c; ch++) {
          for (let y = 0; y < h; y++) {
            for (let xx = 0; xx < w; xx++) {
              const i = ((n * c + ch) * h + y) * w + xx;
              const right = ((n * c + ch) * h + y) * w + ((xx + 1) % w);
              const below = ((n * c + ch) * h + ((y + 1) % h)) * w + xx;
              const pos = (y * 7 + xx * 3 + ch) / (h * w);
              out.data[i] = Math.tanh(0.6 * x[i]! + 0.3 * x[right]! - 0.2 * x[below]! + code * pos + 0.001 * t);
              if (variance) variance.data[i] = Math.sin(x[i]! + code + pos);
            }
          }
        }
      }
      return { kind: info.prediction, prediction: out, variance };
    },
  };
}

/** Mean and (population) variance of one channel across a batch. */
export function channelStats(batch: ImageBatch, channel: number): { mean: number; variance: number; n: number } {
  const [b, c, h, w] = batch.shape;
  let sum = 0;
  let sumSq = 0;
  const n = b * h * w;
  for (let k = 0; k < b; k++) {
    for (let i = (k * c + channel) * h * w, e = i + h * w; i < e; i++) {
      sum += batch.data[i]!;
      sumSq += batch.data[i]! ** 2;
    }
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean, n };
}
