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
  const tmp = new Float64Array(h * w);
  const padded = new Float64Array(w + 2 * pad);
  const acc = new Float64Array(w);
  const src = batch.data;
  for (let p = 0; p < b * c; p++) {
    const base = p * h * w;
    // Horizontal pass: copy each row into a reflect-padded buffer, then a contiguous dot product per pixel.
    for (let y = 0; y < h; y++) {
      const r = base + y * w;
      for (let x = -pad; x < w + pad; x++) padded[x + pad] = src[r + reflectIndex(x, w)]!;
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = 0; k < kernelSize; k++) sum += kernel[k]! * padded[x + k]!;
        tmp[y * w + x] = sum;
      }
    }
    // Vertical pass: accumulate whole source rows (reflected) into each output row.
    for (let y = 0; y < h; y++) {
      acc.fill(0);
      for (let k = 0; k < kernelSize; k++) {
        const weight = kernel[k]!;
        const rowStart = reflectIndex(y + k - pad, h) * w;
        for (let x = 0; x < w; x++) acc[x] = acc[x]! + weight * tmp[rowStart + x]!;
      }
      out.data.set(acc, base + y * w);
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

/** The course's hybrid-image kernel (§1.9): 33 taps at 64², scaled to `imageSize` pixels, rounded to an odd size. */
export function scaledCourseKernel(imageSize: number): number {
  checkNumber("imageSize", imageSize, { min: 3, max: 4096, integer: true });
  return 2 * Math.round((33 * imageSize) / 64 / 2 - 0.5) + 1;
}

/**
 * The blur kernel a hybrid image of `imageSize` pixels uses at σ: odd, covering ±3σ and at least `atLeast` taps, but
 * never wider than the image allows (the largest odd size below it), since the course's 33 taps do not fit 28².
 */
export function hybridKernelSize(sigma: number, imageSize: number, atLeast = 1): number {
  checkNumber("sigma", sigma, { min: 0, exclusiveMin: true });
  checkNumber("imageSize", imageSize, { min: 3, max: 4096, integer: true });
  const widest = 2 * Math.floor((imageSize - 1) / 2) - 1;
  return Math.min(Math.max(atLeast, 2 * Math.ceil(3 * sigma) + 1), widest);
}
