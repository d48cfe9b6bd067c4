import fs from "node:fs/promises";
import path from "node:path";
import { type ImageBatch, imageBatch, type PixelRange, toRGBA8 } from "@diffusion-studio/core";
import sharp from "sharp";
import { addPngText, type PngText } from "../shared/png-text.ts";
import type { WorkerImage } from "./protocol.ts";

/** How a model sees pictures: its channels, value range, and how a photo of another shape is fitted. */
export interface PixelFormat {
  readonly channels: 1 | 3;
  readonly range: PixelRange;
  /** "fill" stretches (MNIST sketches are drawn at the model's size); "cover" centre-crops first (the course's photos). */
  readonly fit: "fill" | "cover";
}

/** MNIST models: grayscale in [0, 1]. */
export const MNIST_PIXELS: PixelFormat = { channels: 1, range: "unit", fit: "fill" };
/** DeepFloyd IF: RGB in [−1, 1]; a photo is centre-cropped to a square, then resized (part A's 64×64 test image). */
export const RGB_PIXELS: PixelFormat = { channels: 3, range: "signed", fit: "cover" };

/** Decodes an upload at the model's size (area-like lanczos filter when shrinking), as [1, C, H, W]. */
async function decode(file: string, height: number, width: number, format: PixelFormat, channels: 1 | 3) {
  let img = sharp(file).flatten({ background: "#000000" });
  img = channels === 1 ? img.grayscale() : img.toColourspace("srgb");
  const { data, info } = await img
    .resize(width, height, { fit: format.fit, position: "centre", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = imageBatch([1, channels, height, width]);
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    // A grey PNG decodes to one channel: it stands for all three.
    const k = Math.min(c, info.channels - 1);
    for (let i = 0; i < plane; i++) out.data[c * plane + i] = data[i * info.channels + k]! / 255;
  }
  return out;
}

/** Reads an uploaded image as the model sees it (MNIST: grayscale in [0, 1]; IF: RGB in [−1, 1], centre-cropped). */
export async function readImage(
  file: string,
  height: number,
  width: number,
  format = MNIST_PIXELS,
): Promise<ImageBatch> {
  const out = await decode(file, height, width, format, format.channels);
  if (format.range === "signed") for (let i = 0; i < out.data.length; i++) out.data[i] = out.data[i]! * 2 - 1;
  return out;
}

/**
 * A mask as 0/1 values at the model's size, one channel, fitted like the image it belongs to: 1 where the painted
 * (white) region asks for new content.
 */
export async function readMask(
  file: string,
  height: number,
  width: number,
  format = MNIST_PIXELS,
): Promise<ImageBatch> {
  const mask = await decode(file, height, width, format, 1);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = mask.data[i]! >= 0.5 ? 1 : 0;
  return mask;
}

/** What a picture is, for the text chunks written into it. */
export interface WrittenImage {
  /** Position among the job's results (a step preview: the result being made). */
  readonly index: number;
  readonly label: string;
  readonly kind: "result" | "step";
  readonly width: number;
  readonly height: number;
}

/** Where one job writes its pictures. */
export class ImageWriter {
  private count = 0;
  private results = 0;
  constructor(
    private readonly artifactsDir: string,
    private readonly prefix: string,
    /** The value range of the model's images ([0, 1] for MNIST, [−1, 1] for IF). */
    private readonly range: PixelRange = "unit",
    /** Text chunks each PNG carries (the job's recipe); none when absent. */
    private readonly text?: (image: WrittenImage) => readonly PngText[],
  ) {}

  /**
   * Writes item `index` of `batch` (clamped to its range; masks are always [0, 1]) as a PNG and describes it:
   * grayscale for one channel, RGB for three.
   */
  async write(
    batch: ImageBatch,
    index: number,
    label: string,
    kind: "result" | "step" = "result",
    range: PixelRange = this.range,
  ): Promise<WorkerImage> {
    const { width, height, data } = toRGBA8(batch, index, range);
    const name = `${kind === "step" ? "steps/" : ""}${String(this.count++).padStart(3, "0")}.png`;
    const rel = path.join(this.prefix, name);
    const file = path.join(this.artifactsDir, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    let png = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
      raw: { width, height, channels: 4 },
    }).removeAlpha();
    if (batch.shape[1] === 1) png = png.toColourspace("b-w");
    const position = kind === "result" ? this.results++ : this.results;
    const entries = this.text?.({ index: position, label, kind, width, height }) ?? [];
    const bytes = await png.png().toBuffer();
    await fs.writeFile(file, entries.length > 0 ? addPngText(bytes, entries) : bytes);
    return { path: rel, label, width, height };
  }
}
