import { createRequire } from "node:module";
import type { GifencModule } from "gifenc";
import { composeGrid, type GreyImages, type GridLayout } from "./grid.js";

/**
 * gifenc's CommonJS build, loaded with require: Node's ESM loader cannot see its named exports, and bundlers pick
 * its ESM build instead; require gives the same module everywhere.
 */
const { GIFEncoder } = createRequire(import.meta.url)("gifenc") as GifencModule;

/** 256 grey levels: a pixel's byte value is its palette index, so no quantisation is needed. */
const GREY_PALETTE: number[][] = Array.from({ length: 256 }, (_, v) => [v, v, v]);

export interface GifOptions extends GridLayout {
  /** Display time of each frame in milliseconds. */
  readonly frameMs: number;
  /** Extra display time of the last frame, so the result can be seen before the loop restarts. */
  readonly holdLastMs?: number;
}

function enlarge(pixels: Uint8Array, width: number, height: number, scale: number): Uint8Array {
  const out = new Uint8Array(width * scale * height * scale);
  const outWidth = width * scale;
  for (let y = 0; y < height * scale; y++) {
    const srcRow = Math.floor(y / scale) * width;
    for (let x = 0; x < outWidth; x++) out[y * outWidth + x] = pixels[srcRow + Math.floor(x / scale)]!;
  }
  return out;
}

/** An animated, looping GIF with one grid per frame (e.g. the states x_t of a sampling trajectory). */
export function trajectoryGif(frames: readonly GreyImages[], options: GifOptions): Uint8Array {
  if (frames.length === 0) throw new RangeError("trajectoryGif needs at least one frame");
  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    const { pixels, width, height } = composeGrid(frame, options);
    const last = i === frames.length - 1;
    gif.writeFrame(enlarge(pixels, width, height, options.scale), width * options.scale, height * options.scale, {
      palette: GREY_PALETTE,
      delay: options.frameMs + (last ? (options.holdLastMs ?? 1500) : 0),
      repeat: 0,
    });
  });
  gif.finish();
  return gif.bytes();
}
