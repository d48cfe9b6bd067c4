/** Writing a batch as PNG files (Node). */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ImageBatch, PixelRange } from "@diffusion-studio/core";
import { encodePng } from "./png.js";

export interface WritePngsOptions {
  /** File names are `<prefix><index, 3 digits>.png`. Default "sample-". */
  readonly prefix?: string;
  /** Default "unit" ([0, 1], the MNIST models); "signed" for [−1, 1]. */
  readonly range?: PixelRange;
}

/** Writes every image of `batch` into `dir` (created if missing) and returns the files' paths. */
export async function writePngs(batch: ImageBatch, dir: string, options: WritePngsOptions = {}): Promise<string[]> {
  const { prefix = "sample-", range = "unit" } = options;
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < batch.shape[0]; i++) {
    const file = path.join(dir, `${prefix}${String(i).padStart(3, "0")}.png`);
    await writeFile(file, encodePng(batch, i, range));
    files.push(file);
  }
  return files;
}
