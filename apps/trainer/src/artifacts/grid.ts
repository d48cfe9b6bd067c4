import sharp from "sharp";

/** Greyscale images, N×H×W row-major (one channel), values nominally in [0, 1]. */
export interface GreyImages {
  readonly data: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

export interface GridLayout {
  /** Tiles per row. */
  readonly columns: number;
  /** Integer enlargement; nearest neighbour, so every pixel stays a crisp square. */
  readonly scale: number;
  /** Gap between tiles in source pixels (enlarged with the tiles). */
  readonly gap?: number;
  /** Grey level of the gaps, 0–255. */
  readonly gapLevel?: number;
}

/** Clamps to [0, 1] and quantises to 0–255 (NaN becomes 0, so a diverged model shows black, not garbage). */
export function toByte(value: number): number {
  if (!(value > 0)) return 0;
  return value >= 1 ? 255 : Math.round(value * 255);
}

/** Lays the tiles out row by row into one 8-bit raw canvas. */
export function composeGrid(
  images: GreyImages,
  layout: GridLayout,
): { pixels: Uint8Array; width: number; height: number } {
  const { count, height: h, width: w } = images;
  const gap = layout.gap ?? 1;
  const columns = Math.max(1, Math.min(layout.columns, count));
  const rows = Math.max(1, Math.ceil(count / columns));
  const width = columns * w + (columns + 1) * gap;
  const height = rows * h + (rows + 1) * gap;
  const pixels = new Uint8Array(width * height).fill(layout.gapLevel ?? 96);
  for (let n = 0; n < count; n++) {
    const left = gap + (n % columns) * (w + gap);
    const top = gap + Math.floor(n / columns) * (h + gap);
    for (let y = 0; y < h; y++) {
      const row = (top + y) * width + left;
      const src = (n * h + y) * w;
      for (let x = 0; x < w; x++) pixels[row + x] = toByte(images.data[src + x]!);
    }
  }
  return { pixels, width, height };
}

/** A PNG of the images as a grid, enlarged `scale` times with nearest-neighbour sampling. */
export async function gridPng(images: GreyImages, layout: GridLayout): Promise<Buffer> {
  const { pixels, width, height } = composeGrid(images, layout);
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .resize(width * layout.scale, height * layout.scale, { kernel: "nearest" })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
