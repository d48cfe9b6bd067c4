import { type ImageBatch, imageBatch, itemSize } from "../tensor.js";

const f = Math.fround;

/**
 * Imagen's dynamic thresholding, per image: s = quantile(|x̂0|, ratio) clamped to [1, maxValue];
 * x̂0 ← clamp(x̂0, −s, s) / s. Matches diffusers' `_threshold_sample` (torch.quantile's linear interpolation,
 * float32 arithmetic).
 */
export function dynamicThreshold(x0: ImageBatch, ratio: number, maxValue: number): ImageBatch {
  const n = itemSize(x0);
  const out = imageBatch(x0.shape);
  const abs = new Float32Array(n);
  for (let b = 0; b < x0.shape[0]; b++) {
    const base = b * n;
    for (let i = 0; i < n; i++) abs[i] = Math.abs(x0.data[base + i]!);
    abs.sort();
    const s = Math.min(Math.max(quantileSorted(abs, ratio), 1), f(maxValue));
    for (let i = 0; i < n; i++) {
      const v = x0.data[base + i]!;
      out.data[base + i] = Math.min(Math.max(v, -s), s) / s;
    }
  }
  return out;
}

/** torch.quantile (linear) on an ascending array, in float32 arithmetic. */
function quantileSorted(sorted: Float32Array, q: number): number {
  const rank = f(f(q) * (sorted.length - 1));
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const w = f(rank - below);
  const lo = sorted[below]!;
  const hi = sorted[above]!;
  // torch.lerp's two-sided form.
  return w < 0.5 ? f(lo + f(w * f(hi - lo))) : f(hi - f(f(hi - lo) * f(1 - w)));
}
