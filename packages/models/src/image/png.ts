/**
 * PNG files for image batches, in pure JavaScript (fast-png), so browsers and Node write the same bytes: 8-bit grey
 * for one channel, RGB for three. Ranges are core's: "unit" = [0, 1] (this package's MNIST models), "signed" =
 * [−1, 1] (DeepFloyd IF).
 */
import { fromRGBA8, type ImageBatch, type PixelRange, toRGBA8 } from "@diffusion-studio/core";
import { convertIndexedToRgb, decode, encode } from "fast-png";

/** Item `index` of `batch`, clamped to `range` and quantised to 8 bits, as PNG bytes. */
export function encodePng(batch: ImageBatch, index = 0, range: PixelRange = "unit"): Uint8Array {
  const { width, height, data: rgba } = toRGBA8(batch, index, range);
  const channels = batch.shape[1] === 1 ? 1 : 3;
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < channels; k++) pixels[i * channels + k] = rgba[i * 4 + k]!;
  }
  return encode({ width, height, data: pixels, channels, depth: 8 });
}

export interface DecodePngOptions {
  /** Default: 1 for a grey PNG, 3 otherwise (colour becomes luminance when 1 is asked for). */
  readonly channels?: 1 | 3;
  /** Default "unit". */
  readonly range?: PixelRange;
}

/** A PNG (grey, grey+alpha, RGB or RGBA at 8 or 16 bits, or a palette) as a [1, C, H, W] batch; alpha is dropped. */
export function decodePng(bytes: Uint8Array, options: DecodePngOptions = {}): ImageBatch {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (error) {
    throw new RangeError(`\`bytes\` must be a PNG file (${error instanceof Error ? error.message : String(error)})`);
  }
  const { width, height, palette } = png;
  if (!palette && png.depth !== 8 && png.depth !== 16) {
    throw new RangeError(`\`bytes\`: a PNG's bit depth must be 8 or 16, or it must use a palette (got ${png.depth})`);
  }
  const data = palette ? convertIndexedToRgb(png) : png.data;
  const channels = palette ? (palette[0]?.length ?? 3) : png.channels;
  const scale = !palette && png.depth === 16 ? 1 / 257 : 1;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const grey = channels <= 2;
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = data[i * channels + (grey ? 0 : k)]! * scale;
    rgba[i * 4 + 3] = 255;
  }
  return fromRGBA8(rgba, width, height, {
    channels: options.channels ?? (channels <= 2 ? 1 : 3),
    range: options.range ?? "unit",
  });
}
