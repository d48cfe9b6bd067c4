import { checkNumber } from "../errors.js";
import { type ImageBatch, imageBatch, itemSize } from "../tensor.js";

const f = Math.fround;

/**
 * Imagen's dynamic thresholding, per image: s = quantile(|x̂0|, ratio) clamped to [1, maxValue];
 * x̂0 ← clamp(x̂0, −s, s) / s. Matches diffusers' `_threshold_sample` (torch.quantile's linear interpolation,
 * float32 arithmetic).
 */
export function dynamicThreshold(x0: ImageBatch, ratio: number, maxValue: number): ImageBatch {
  checkNumber("ratio", ratio, { min: 0, max: 1 });
  checkNumber("maxValue", maxValue, { min: 1 });
  const n = itemSize(x0);
  const out = imageBatch(x0.shape);
  const abs = new Float32Array(n);
  for (let b = 0; b < x0.shape[0]; b++) {
    const base = b * n;
    for (let i = 0; i < n; i++) abs[i] = Math.abs(x0.data[base + i]!);
    const s = Math.min(Math.max(quantile(abs, ratio), 1), f(maxValue));
    for (let i = 0; i < n; i++) {
      const v = x0.data[base + i]!;
      out.data[base + i] = Math.min(Math.max(v, -s), s) / s;
    }
  }
  return out;
}

/** torch.quantile (linear interpolation) in float32 arithmetic; reorders `values`. */
function quantile(values: Float32Array, q: number): number {
  const rank = f(f(q) * (values.length - 1));
  const below = Math.floor(rank);
  const lo = select(values, below);
  // After selection everything right of `below` is ≥ lo; the next order statistic is their minimum.
  let hi = lo;
  if (below + 1 < values.length) {
    hi = Number.POSITIVE_INFINITY;
    for (let i = below + 1; i < values.length; i++) if (values[i]! < hi) hi = values[i]!;
  }
  const w = f(rank - below);
  // torch.lerp's two-sided form.
  return w < 0.5 ? f(lo + f(w * f(hi - lo))) : f(hi - f(f(hi - lo) * f(1 - w)));
}

/** Hoare's quickselect: the k-th smallest value, leaving smaller values left of k and larger ones right. */
function select(a: Float32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}
