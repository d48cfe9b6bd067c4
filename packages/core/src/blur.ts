import { checkBatch, checkNumber } from "./errors.js";
import { type ImageBatch, imageBatch } from "./tensor.js";

/** torchvision's default σ for a kernel size: 0.3·((k − 1)·0.5 − 1) + 0.8. */
export function defaultSigma(kernelSize: number): number {
  return 0.3 * ((kernelSize - 1) * 0.5 - 1) + 0.8;
}

/** The normalised 1-D kernel exp(−x²/2σ²), x evenly spaced on [−(k−1)/2, (k−1)/2] (torchvision, float32). */
export function gaussianKernel1d(kernelSize: number, sigma = defaultSigma(kernelSize)): Float32Array {
  checkNumber("kernelSize", kernelSize, { min: 1, max: 1023, integer: true });
  if (kernelSize % 2 === 0) throw new RangeError(`\`kernelSize\` must be an odd integer (got ${kernelSize})`);
  checkNumber("sigma", sigma, { min: 0, exclusiveMin: true });
  const half = (kernelSize - 1) * 0.5;
  const pdf = new Float32Array(kernelSize);
  let sum = 0;
  for (let i = 0; i < kernelSize; i++) {
    const x = Math.fround(kernelSize === 1 ? -half : -half + (2 * half * i) / (kernelSize - 1));
    pdf[i] = Math.exp(-0.5 * (x / sigma) ** 2);
    sum += pdf[i]!;
  }
  const s = Math.fround(sum);
  for (let i = 0; i < kernelSize; i++) pdf[i] = pdf[i]! / s;
  return pdf;
}

/** Source index for a reflect-padded position (edge not repeated: −1 → 1, n → n − 2). */
function reflectIndex(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/**
 * Gaussian blur with torchvision semantics (`transforms.functional.gaussian_blur`): normalised separable kernel,
 * reflect padding so the size is kept. Applied per channel. Requires (kernelSize − 1)/2 < H and < W, as torch's
 * reflect padding does.
 */
export function gaussianBlur(batch: ImageBatch, kernelSize: number, sigma?: number): ImageBatch {
  checkBatch("image", batch);
  const kernel = gaussianKernel1d(kernelSize, sigma);
  const [b, c, h, w] = batch.shape;
  const pad = (kernelSize - 1) / 2;
  if (pad >= h || pad >= w) {
    throw new RangeError(
      `\`kernelSize\` ${kernelSize} needs padding ${pad}, which must be < the image height and width (got ${h}×${w})`,
    );
  }
  const out = imageBatch(batch.shape);
  const row = new Float64Array(h * w);
  // Source offsets per output position for each tap, precomputed once per size.
  const colIdx = new Int32Array(w * kernelSize);
  for (let x = 0; x < w; x++)
    for (let k = 0; k < kernelSize; k++) colIdx[x * kernelSize + k] = reflectIndex(x + k - pad, w);
  const rowIdx = new Int32Array(h * kernelSize);
  for (let y = 0; y < h; y++)
    for (let k = 0; k < kernelSize; k++) rowIdx[y * kernelSize + k] = reflectIndex(y + k - pad, h);
  for (let p = 0; p < b * c; p++) {
    const base = p * h * w;
    const src = batch.data;
    // Horizontal pass into a float64 buffer, then vertical pass.
    for (let y = 0; y < h; y++) {
      const r = base + y * w;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        const ci = x * kernelSize;
        for (let k = 0; k < kernelSize; k++) acc += kernel[k]! * src[r + colIdx[ci + k]!]!;
        row[y * w + x] = acc;
      }
    }
    for (let y = 0; y < h; y++) {
      const ri = y * kernelSize;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let k = 0; k < kernelSize; k++) acc += kernel[k]! * row[rowIdx[ri + k]! * w + x]!;
        out.data[base + y * w + x] = acc;
      }
    }
  }
  return out;
}

/** Low frequencies: the Gaussian blur. Defaults are the course's hybrid-image kernel 33, σ 2. */
export function lowPass(batch: ImageBatch, kernelSize = 33, sigma = 2): ImageBatch {
  return gaussianBlur(batch, kernelSize, sigma);
}

/** High frequencies: x − blur(x). */
export function highPass(batch: ImageBatch, kernelSize = 33, sigma = 2): ImageBatch {
  const low = gaussianBlur(batch, kernelSize, sigma);
  const out = imageBatch(batch.shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = batch.data[i]! - low.data[i]!;
  return out;
}
