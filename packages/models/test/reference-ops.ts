/** Plain float64 reference implementations of the ops (NCHW, PyTorch semantics) for the finite-difference checks. */

export type Shape = readonly number[];
export interface T64 {
  readonly data: Float64Array;
  readonly shape: Shape;
}

export const size = (s: Shape) => s.reduce((a, b) => a * b, 1);

/** erf to ~1e-15: Taylor series for |x| < 3, else the asymptotic complement (erfc(3) ≈ 2e-5). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 3) {
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 12; n++) {
      term *= -(2 * n - 1) / (2 * ax * ax);
      sum += term;
    }
    return Math.sign(x) * (1 - (Math.exp(-ax * ax) / (ax * Math.sqrt(Math.PI))) * sum);
  }
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export function conv2d(x: T64, w: T64, bias: T64 | null, stride: number, pad: number): T64 {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, , k] = w.shape as [number, number, number, number];
  const ho = Math.floor((h + 2 * pad - k) / stride) + 1;
  const wo = Math.floor((wd + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(n * o * ho * wo);
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let i = 0; i < ho; i++)
        for (let j = 0; j < wo; j++) {
          let s = bias ? bias.data[oc]! : 0;
          for (let ic = 0; ic < c; ic++)
            for (let a = 0; a < k; a++)
              for (let q = 0; q < k; q++) {
                const y = i * stride - pad + a;
                const z = j * stride - pad + q;
                if (y < 0 || y >= h || z < 0 || z >= wd) continue;
                s += x.data[((b * c + ic) * h + y) * wd + z]! * w.data[((oc * c + ic) * k + a) * k + q]!;
              }
          out[((b * o + oc) * ho + i) * wo + j] = s;
        }
  return { data: out, shape: [n, o, ho, wo] };
}

export function convTranspose2d(x: T64, w: T64, bias: T64 | null, stride: number, pad: number): T64 {
  const [n, ci, h, wd] = x.shape as [number, number, number, number];
  const [, co, k] = w.shape as [number, number, number, number];
  const ho = (h - 1) * stride - 2 * pad + k;
  const wo = (wd - 1) * stride - 2 * pad + k;
  const out = new Float64Array(n * co * ho * wo);
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < co; oc++)
      for (let p = 0; p < ho * wo; p++) out[(b * co + oc) * ho * wo + p] = bias ? bias.data[oc]! : 0;
  for (let b = 0; b < n; b++)
    for (let ic = 0; ic < ci; ic++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++) {
          const v = x.data[((b * ci + ic) * h + i) * wd + j]!;
          for (let oc = 0; oc < co; oc++)
            for (let a = 0; a < k; a++)
              for (let q = 0; q < k; q++) {
                const y = i * stride - pad + a;
                const z = j * stride - pad + q;
                if (y < 0 || y >= ho || z < 0 || z >= wo) continue;
                out[((b * co + oc) * ho + y) * wo + z]! += v * w.data[((ic * co + oc) * k + a) * k + q]!;
              }
        }
  return { data: out, shape: [n, co, ho, wo] };
}

/** Train-mode BatchNorm2d (biased batch variance, eps 1e-5). */
export function batchNorm(x: T64, gamma: T64, beta: T64, eps = 1e-5): T64 {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out = new Float64Array(x.data.length);
  const m = n * h * w;
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let b = 0; b < n; b++) for (let p = 0; p < h * w; p++) mean += x.data[(b * c + ch) * h * w + p]!;
    mean /= m;
    let v = 0;
    for (let b = 0; b < n; b++) for (let p = 0; p < h * w; p++) v += (x.data[(b * c + ch) * h * w + p]! - mean) ** 2;
    v /= m;
    const rstd = 1 / Math.sqrt(v + eps);
    for (let b = 0; b < n; b++)
      for (let p = 0; p < h * w; p++) {
        const idx = (b * c + ch) * h * w + p;
        out[idx] = (x.data[idx]! - mean) * rstd * gamma.data[ch]! + beta.data[ch]!;
      }
  }
  return { data: out, shape: x.shape };
}

export const map = (x: T64, f: (v: number) => number): T64 => ({ data: x.data.map(f), shape: x.shape });
export const gelu = (x: T64) => map(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));

export function globalAvgPool(x: T64): T64 {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out = new Float64Array(n * c);
  for (let i = 0; i < n * c; i++) {
    let s = 0;
    for (let p = 0; p < h * w; p++) s += x.data[i * h * w + p]!;
    out[i] = s / (h * w);
  }
  return { data: out, shape: [n, c, 1, 1] };
}

export function linear(x: T64, w: T64, b: T64): T64 {
  const [n, fin] = x.shape as [number, number];
  const [fout] = w.shape as [number, number];
  const out = new Float64Array(n * fout);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < fout; o++) {
      let s = b.data[o]!;
      for (let k = 0; k < fin; k++) s += x.data[i * fin + k]! * w.data[o * fin + k]!;
      out[i * fout + o] = s;
    }
  return { data: out, shape: [n, fout] };
}

/** Numpy-broadcasting binary op for equal-rank shapes. */
export function broadcast(x: T64, y: T64, f: (a: number, b: number) => number): T64 {
  const shape = x.shape.map((d, i) => Math.max(d, y.shape[i]!));
  const out = new Float64Array(size(shape));
  const strides = (s: Shape) => s.map((_, i) => (s[i] === 1 ? 0 : size(s.slice(i + 1))));
  const sx = strides(x.shape);
  const sy = strides(y.shape);
  for (let idx = 0; idx < out.length; idx++) {
    let rem = idx;
    let ix = 0;
    let iy = 0;
    for (let d = 0; d < shape.length; d++) {
      const inner = size(shape.slice(d + 1));
      const coord = Math.floor(rem / inner);
      rem -= coord * inner;
      ix += coord * sx[d]!;
      iy += coord * sy[d]!;
    }
    out[idx] = f(x.data[ix]!, y.data[iy]!);
  }
  return { data: out, shape };
}

/** Concatenation on axis 1 of [N, C, ...] tensors. */
export function concat1(xs: readonly T64[]): T64 {
  const n = xs[0]!.shape[0]!;
  const inner = size(xs[0]!.shape.slice(2));
  const c = xs.reduce((s, x) => s + x.shape[1]!, 0);
  const out = new Float64Array(n * c * inner);
  let at = 0;
  for (let b = 0; b < n; b++)
    for (const x of xs) {
      const chunk = x.shape[1]! * inner;
      out.set(x.data.subarray(b * chunk, (b + 1) * chunk), at);
      at += chunk;
    }
  return { data: out, shape: [n, c, ...xs[0]!.shape.slice(2)] };
}

export function mse(x: T64, target: T64): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += (x.data[i]! - target.data[i]!) ** 2;
  return s / x.data.length;
}

export function crossEntropy(logits: T64, target: T64): number {
  const [n, k] = logits.shape as [number, number];
  let s = 0;
  for (let i = 0; i < n; i++) {
    const row = logits.data.subarray(i * k, (i + 1) * k);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    for (let j = 0; j < k; j++) s -= target.data[i * k + j]! * (row[j]! - lse);
  }
  return s / n;
}
