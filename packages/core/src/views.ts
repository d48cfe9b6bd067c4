import { assertNever, checkBatch, checkNumber } from "./errors.js";
import { Rng } from "./random.js";
import { type ImageBatch, imageBatch } from "./tensor.js";

/** A serialisable description of a view, so a gallery item records exactly which views made it. */
export type ViewConfig =
  | { readonly type: "identity" }
  | { readonly type: "flip" }
  | { readonly type: "rotate"; readonly degrees: 90 | 180 | 270 }
  | { readonly type: "negate" }
  | { readonly type: "skew"; readonly factor?: number }
  | { readonly type: "patchPermute"; readonly patchSize: number; readonly seed?: number }
  | { readonly type: "pixelPermute"; readonly seed?: number }
  | { readonly type: "scale"; readonly factor: number };

/**
 * A view for visual anagrams (Geng, Park & Owens, CVPR 2024): a transform of x_t with its inverse, applied per image.
 * `valid` is true when the view is linear and orthogonal (a pixel permutation or a negation), so that a viewed
 * noisy image is still a noisy image at the same level: A·(√ᾱ·x0 + √(1−ᾱ)·ε) = √ᾱ·A·x0 + √(1−ᾱ)·A·ε, A·ε ~ N(0, I).
 */
export interface View {
  readonly name: string;
  readonly valid: boolean;
  readonly config: ViewConfig;
  apply(x: ImageBatch): ImageBatch;
  inverse(x: ImageBatch): ImageBatch;
  /** Maps learned-variance channels back: spatial views move them like ε; negation leaves them alone. */
  inverseVariance(v: ImageBatch): ImageBatch;
}

/** A spatial permutation: `sourceOf(h, w)[dst]` is the source pixel of each destination pixel (per channel). */
function permutationView(name: string, config: ViewConfig, sourceOf: (h: number, w: number) => Int32Array): View {
  const cache = new Map<string, Int32Array>();
  const mapFor = (x: ImageBatch): Int32Array => {
    checkBatch("x", x);
    const [, , h, w] = x.shape;
    const key = `${h}x${w}`;
    let map = cache.get(key);
    if (!map) {
      map = sourceOf(h, w);
      cache.set(key, map);
    }
    return map;
  };
  const gather = (x: ImageBatch, forward: boolean): ImageBatch => {
    const map = mapFor(x);
    const plane = x.shape[2] * x.shape[3];
    const out = imageBatch(x.shape);
    for (let p = 0; p < x.shape[0] * x.shape[1]; p++) {
      const base = p * plane;
      if (forward) for (let i = 0; i < plane; i++) out.data[base + i] = x.data[base + map[i]!]!;
      else for (let i = 0; i < plane; i++) out.data[base + map[i]!] = x.data[base + i]!;
    }
    return out;
  };
  const inverse = (x: ImageBatch) => gather(x, false);
  return { name, valid: true, config, apply: (x) => gather(x, true), inverse, inverseVariance: inverse };
}

function mapFrom(h: number, w: number, src: (y: number, x: number) => number): Int32Array {
  const map = new Int32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) map[y * w + x] = src(y, x);
  return map;
}

function requireSquare(name: string, h: number, w: number): void {
  if (h !== w) throw new RangeError(`the \`${name}\` view needs a square image (got ${h}×${w})`);
}

export function identityView(): View {
  const same = (x: ImageBatch) => x;
  return {
    name: "identity",
    valid: true,
    config: { type: "identity" },
    apply: same,
    inverse: same,
    inverseVariance: same,
  };
}

/** Upside down: reverses the H axis (course §1.8, visual_anagrams' FlipView). */
export function flipView(): View {
  return permutationView("flip", { type: "flip" }, (h, w) => mapFrom(h, w, (y, x) => (h - 1 - y) * w + x));
}

/** Rotation clockwise by 90, 180 or 270 degrees; an exact pixel permutation (90 and 270 need square images). */
export function rotateView(degrees: 90 | 180 | 270): View {
  const name = `rotate${degrees}`;
  const config: ViewConfig = { type: "rotate", degrees };
  switch (degrees) {
    case 90:
      return permutationView(name, config, (h, w) => {
        requireSquare(name, h, w);
        return mapFrom(h, w, (y, x) => (h - 1 - x) * w + y);
      });
    case 180:
      return permutationView(name, config, (h, w) => mapFrom(h, w, (y, x) => (h - 1 - y) * w + (w - 1 - x)));
    case 270:
      return permutationView(name, config, (h, w) => {
        requireSquare(name, h, w);
        return mapFrom(h, w, (y, x) => x * w + (w - 1 - y));
      });
    default:
      throw new RangeError(`\`degrees\` must be one of 90, 180, 270 (got ${String(degrees)})`);
  }
}

/** x → −x (colour inversion in [−1, 1]); variance channels are left alone, as in visual_anagrams. */
export function negateView(): View {
  const negate = (x: ImageBatch) =>
    imageBatch(
      x.shape,
      x.data.map((v) => -v),
    );
  return {
    name: "negate",
    valid: true,
    config: { type: "negate" },
    apply: negate,
    inverse: negate,
    inverseVariance: (v) => v,
  };
}

/** Column j rolled down by trunc(factor·(j − W/2)) pixels: a shear done as a permutation (visual_anagrams' skew). */
export function skewView(factor = 1.5): View {
  checkNumber("factor", factor, { min: -64, max: 64 });
  return permutationView("skew", { type: "skew", factor }, (h, w) =>
    mapFrom(h, w, (y, x) => {
      const shift = Math.trunc(factor * (x - w / 2));
      return ((((y - shift) % h) + h) % h) * w + x;
    }),
  );
}

/** Square patches of `patchSize` shuffled by a seeded permutation (a jigsaw with square pieces). */
export function patchPermuteView(patchSize: number, seed = 0): View {
  checkNumber("patchSize", patchSize, { min: 1, integer: true });
  return permutationView("patchPermute", { type: "patchPermute", patchSize, seed }, (h, w) => {
    if (h % patchSize !== 0 || w % patchSize !== 0) {
      throw new RangeError(`\`patchSize\` must divide the image height and width (got ${patchSize} for ${h}×${w})`);
    }
    const cols = w / patchSize;
    const perm = new Rng(seed).permutation((h / patchSize) * cols);
    return mapFrom(h, w, (y, x) => {
      const source = perm[Math.floor(y / patchSize) * cols + Math.floor(x / patchSize)]!;
      const sy = Math.floor(source / cols) * patchSize + (y % patchSize);
      const sx = (source % cols) * patchSize + (x % patchSize);
      return sy * w + sx;
    });
  });
}

/** Every pixel moved by a seeded permutation. */
export function pixelPermuteView(seed = 0): View {
  return permutationView("pixelPermute", { type: "pixelPermute", seed }, (h, w) => new Rng(seed).permutation(h * w));
}

/**
 * x → factor·x. Linear and invertible but not orthogonal (unless |factor| = 1): it changes the noise level, so it is
 * marked invalid. Useful to show what the validity check refuses.
 */
export function scaleView(factor: number): View {
  checkNumber("factor", factor, { min: -1e6, max: 1e6 });
  if (factor === 0) throw new RangeError("`factor` must be non-zero (got 0)");
  return {
    name: "scale",
    valid: Math.abs(factor) === 1,
    config: { type: "scale", factor },
    apply: (x) =>
      imageBatch(
        x.shape,
        x.data.map((v) => v * factor),
      ),
    inverse: (x) =>
      imageBatch(
        x.shape,
        x.data.map((v) => v / factor),
      ),
    inverseVariance: (v) => v,
  };
}

/** Builds a view from its config (e.g. one chosen in a UI). */
export function makeView(config: ViewConfig): View {
  switch (config.type) {
    case "identity":
      return identityView();
    case "flip":
      return flipView();
    case "rotate":
      return rotateView(config.degrees);
    case "negate":
      return negateView();
    case "skew":
      return skewView(config.factor);
    case "patchPermute":
      return patchPermuteView(config.patchSize, config.seed);
    case "pixelPermute":
      return pixelPermuteView(config.seed);
    case "scale":
      return scaleView(config.factor);
    default:
      return assertNever("view.type", config);
  }
}
