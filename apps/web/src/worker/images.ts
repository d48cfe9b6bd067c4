import fs from "node:fs/promises";
import path from "node:path";
import { type ImageBatch, imageBatch, toRGBA8 } from "@diffusion-studio/core";
import sharp from "sharp";
import type { WorkerImage } from "./protocol.js";

/**
 * Reads an uploaded image as the model sees it: grayscale, resized to the model's size (area filter when shrinking),
 * values in [0, 1] like MNIST.
 */
export async function readImage(file: string, height: number, width: number): Promise<ImageBatch> {
  const { data, info } = await sharp(file)
    .flatten({ background: "#000000" })
    .grayscale()
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = imageBatch([1, 1, height, width]);
  for (let i = 0; i < height * width; i++) out.data[i] = data[i * info.channels]! / 255;
  return out;
}

/** A mask as 0/1 values at the model's size: 1 where the painted (white) region asks for new content. */
export async function readMask(file: string, height: number, width: number): Promise<ImageBatch> {
  const mask = await readImage(file, height, width);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = mask.data[i]! >= 0.5 ? 1 : 0;
  return mask;
}

/** Where one job writes its pictures. */
export class ImageWriter {
  private count = 0;
  constructor(
    private readonly artifactsDir: string,
    private readonly prefix: string,
  ) {}

  /** Writes item `index` of `batch` ([0, 1] values, clamped) as a PNG and describes it. */
  async write(
    batch: ImageBatch,
    index: number,
    label: string,
    kind: "result" | "step" = "result",
  ): Promise<WorkerImage> {
    const { width, height, data } = toRGBA8(batch, index, "unit");
    const name = `${kind === "step" ? "steps/" : ""}${String(this.count++).padStart(3, "0")}.png`;
    const rel = path.join(this.prefix, name);
    const file = path.join(this.artifactsDir, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } })
      .removeAlpha()
      .toColourspace("b-w")
      .png()
      .toFile(file);
    return { path: rel, label, width, height };
  }
}
