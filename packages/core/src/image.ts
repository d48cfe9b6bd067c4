import { checkBatch, checkNumber, checkOneOf } from "./errors.js";
import { type ImageBatch, imageBatch, type Shape } from "./tensor.js";

/** [−1, 1] → [0, 1] (x/2 + 0.5), as IF's post-processing; no clamping. */
export function toUnitRange(batch: ImageBatch): ImageBatch {
  return imageBatch(
    batch.shape,
    batch.data.map((v) => v / 2 + 0.5),
  );
}

/** [0, 1] → [−1, 1] (2x − 1). */
export function fromUnitRange(batch: ImageBatch): ImageBatch {
  return imageBatch(
    batch.shape,
    batch.data.map((v) => 2 * v - 1),
  );
}

export function clampBatch(batch: ImageBatch, min: number, max: number): ImageBatch {
  checkNumber("min", min);
  checkNumber("max", max, { min });
  return imageBatch(
    batch.shape,
    batch.data.map((v) => Math.min(Math.max(v, min), max)),
  );
}

export type PixelRange = "signed" | "unit";

/** 8-bit RGBA pixels of one image (canvas `ImageData` / PNG encoder layout). Grayscale is repeated into RGB. */
export function toRGBA8(
  batch: ImageBatch,
  index = 0,
  range: PixelRange = "signed",
): { width: number; height: number; data: Uint8ClampedArray } {
  checkBatch("image", batch);
  const [b, c, h, w] = batch.shape;
  checkNumber("index", index, { min: 0, max: b - 1, integer: true });
  checkOneOf("range", range, ["signed", "unit"]);
  if (c !== 1 && c !== 3) throw new RangeError(`image channels must be 1 or 3 (got ${c})`);
  const plane = h * w;
  const base = index * c * plane;
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      const v = batch.data[base + (c === 1 ? 0 : k) * plane + i]!;
      const unit = range === "signed" ? v / 2 + 0.5 : v;
      data[i * 4 + k] = Math.round(Math.min(Math.max(unit, 0), 1) * 255);
    }
    data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** One image from 8-bit RGBA pixels: [1, 3, H, W] (or [1, 1, H, W] luminance) in the chosen range. */
export function fromRGBA8(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  options: { channels?: 1 | 3; range?: PixelRange } = {},
): ImageBatch {
  checkNumber("width", width, { min: 1, integer: true });
  checkNumber("height", height, { min: 1, integer: true });
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`\`rgba\` length must be width·height·4 = ${width * height * 4} (got ${rgba.length})`);
  }
  const channels = options.channels ?? 3;
  const range = checkOneOf("range", options.range ?? "signed", ["signed", "unit"]);
  const plane = width * height;
  const out = imageBatch([1, channels, height, width]);
  for (let i = 0; i < plane; i++) {
    const r = rgba[i * 4]! / 255;
    const g = rgba[i * 4 + 1]! / 255;
    const bl = rgba[i * 4 + 2]! / 255;
    const values = channels === 1 ? [0.299 * r + 0.587 * g + 0.114 * bl] : [r, g, bl];
    values.forEach((v, k) => {
      out.data[k * plane + i] = range === "signed" ? 2 * v - 1 : v;
    });
  }
  return out;
}

/** Tiles a batch into one image, row by row, with `padding` pixels of `padValue` between tiles. */
export function tileGrid(
  batch: ImageBatch,
  options: { columns?: number; padding?: number; padValue?: number } = {},
): ImageBatch {
  checkBatch("batch", batch);
  const [b, c, h, w] = batch.shape;
  const columns = checkNumber("columns", options.columns ?? Math.ceil(Math.sqrt(b)), { min: 1, integer: true });
  const padding = checkNumber("padding", options.padding ?? 2, { min: 0, max: 1024, integer: true });
  const rows = Math.ceil(b / columns);
  const gh = rows * h + (rows + 1) * padding;
  const gw = columns * w + (columns + 1) * padding;
  const out = imageBatch([1, c, gh, gw]);
  out.data.fill(options.padValue ?? 0);
  for (let n = 0; n < b; n++) {
    const oy = padding + Math.floor(n / columns) * (h + padding);
    const ox = padding + (n % columns) * (w + padding);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const src = ((n * c + ch) * h + y) * w;
        out.data.set(batch.data.subarray(src, src + w), (ch * gh + oy + y) * gw + ox);
      }
    }
  }
  return out;
}

/** Crops the central h × w region. */
export function centerCrop(batch: ImageBatch, height: number, width: number): ImageBatch {
  checkBatch("image", batch);
  const [b, c, h, w] = batch.shape;
  checkNumber("height", height, { min: 1, max: h, integer: true });
  checkNumber("width", width, { min: 1, max: w, integer: true });
  const top = Math.floor((h - height) / 2);
  const left = Math.floor((w - width) / 2);
  const out = imageBatch([b, c, height, width]);
  for (let p = 0; p < b * c; p++) {
    for (let y = 0; y < height; y++) {
      const src = (p * h + top + y) * w + left;
      out.data.set(batch.data.subarray(src, src + width), (p * height + y) * width);
    }
  }
  return out;
}

export type ResizeFilter = "bilinear" | "area";

/** Per-axis sparse weights: out[i] = Σ_k taps[i].w[k]·in[taps[i].start + k]. */
interface Taps {
  readonly start: number;
  readonly w: Float64Array;
}

function axisTaps(inSize: number, outSize: number, filter: ResizeFilter, alignCorners: boolean): Taps[] {
  const taps: Taps[] = [];
  for (let i = 0; i < outSize; i++) {
    if (filter === "area") {
      // Average over the source interval covered by output pixel i (antialiased downscaling).
      const lo = (i * inSize) / outSize;
      const hi = ((i + 1) * inSize) / outSize;
      const start = Math.floor(lo);
      const end = Math.min(Math.ceil(hi), inSize);
      const w = new Float64Array(end - start);
      for (let j = start; j < end; j++) w[j - start] = (Math.min(hi, j + 1) - Math.max(lo, j)) / (hi - lo);
      taps.push({ start, w });
    } else {
      const src = alignCorners
        ? outSize === 1
          ? 0
          : (i * (inSize - 1)) / (outSize - 1)
        : Math.max(((i + 0.5) * inSize) / outSize - 0.5, 0);
      const j0 = Math.min(Math.floor(src), inSize - 1);
      const f = src - j0;
      taps.push(j0 + 1 < inSize ? { start: j0, w: Float64Array.of(1 - f, f) } : { start: j0, w: Float64Array.of(1) });
    }
  }
  return taps;
}

/**
 * Resizes every image to height × width. `bilinear` follows torch's F.interpolate (align_corners false by default;
 * DeepFloyd stage II upsamples with align_corners true); `area` averages source pixels (use it to shrink a photo to
 * 64×64 without aliasing).
 */
export function resize(
  batch: ImageBatch,
  height: number,
  width: number,
  options: { filter?: ResizeFilter; alignCorners?: boolean } = {},
): ImageBatch {
  checkBatch("image", batch);
  checkNumber("height", height, { min: 1, max: 16384, integer: true });
  checkNumber("width", width, { min: 1, max: 16384, integer: true });
  const filter = checkOneOf("filter", options.filter ?? "bilinear", ["bilinear", "area"]);
  const [b, c, h, w] = batch.shape;
  const ty = axisTaps(h, height, filter, options.alignCorners ?? false);
  const tx = axisTaps(w, width, filter, options.alignCorners ?? false);
  const shape: Shape = [b, c, height, width];
  const out = imageBatch(shape);
  const tmp = new Float64Array(h * width);
  for (let p = 0; p < b * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < width; x++) {
        const { start, w: k } = tx[x]!;
        let acc = 0;
        for (let j = 0; j < k.length; j++) acc += k[j]! * batch.data[base + y * w + start + j]!;
        tmp[y * width + x] = acc;
      }
    }
    for (let y = 0; y < height; y++) {
      const { start, w: k } = ty[y]!;
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let j = 0; j < k.length; j++) acc += k[j]! * tmp[(start + j) * width + x]!;
        out.data[(p * height + y) * width + x] = acc;
      }
    }
  }
  return out;
}
