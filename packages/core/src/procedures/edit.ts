import { checkFinite, checkNumber, throwIfAborted } from "../errors.js";
import { blend, type ImageBatch } from "../tensor.js";
import {
  type ConditioningOptions,
  checkCompatible,
  checkIStart,
  makeBranch,
  runPlan,
  type SamplingOptions,
} from "./common.js";

export interface SdeditOptions extends SamplingOptions, ConditioningOptions {
  /** The original image(s) in the model's range ([−1, 1] for IF, [0, 1] for MNIST). */
  readonly image: ImageBatch;
  /** Start levels; larger means less noise and closer to the original (course: 1, 3, 5, 7, 10, 20). */
  readonly iStarts: readonly number[];
}

export interface SdeditResult {
  readonly iStart: number;
  /** The time the image was noised to. */
  readonly t: number;
  readonly result: ImageBatch;
}

/**
 * Course §1.7 / §1.7.1 (SDEdit) and §1.7.3 (text-conditional image-to-image, with a different `condition`):
 * noise the image to each level in `iStarts` with the forward process, then denoise (with CFG when
 * `guidanceScale` is set). Runs one level after another; progress events carry each run's own step count.
 */
export async function sdedit(options: SdeditOptions): Promise<SdeditResult[]> {
  checkFinite("image", options.image);
  if (!Array.isArray(options.iStarts) || options.iStarts.length === 0) {
    throw new RangeError("`iStarts` must be a non-empty array of level indices");
  }
  options.iStarts.forEach((i) => {
    checkIStart(options.sampler, i);
  });
  const branch = makeBranch("condition", options.condition, options.unconditional, options.image.shape[0]);
  const plan = { branches: [branch], guidanceScale: options.guidanceScale, reduction: "mean" as const };
  const results: SdeditResult[] = [];
  for (const iStart of options.iStarts) {
    throwIfAborted(options.signal);
    const result = await runPlan(options, plan, { kind: "image", image: options.image, iStart });
    results.push({ iStart, t: options.sampler.levels[iStart]!, result });
  }
  return results;
}

/** Course §1.7.3: SDEdit guided by a text prompt (the image's content steered toward `condition`). */
export const imageToImage = sdedit;

export interface InpaintOptions extends SamplingOptions, ConditioningOptions {
  /** The original image(s) [B, C, H, W]. */
  readonly image: ImageBatch;
  /** 1 = generate new content, 0 = keep the original; [1 or B, 1 or C, H, W], values in [0, 1]. */
  readonly mask: ImageBatch;
  /** Start level (default 0: pure noise). A larger iStart starts from the forward-noised original. */
  readonly iStart?: number;
}

/**
 * Course §1.7.2 (RePaint-style inpainting): after every step, x_{t′} ← m·x_{t′} + (1 − m)·forward(x_orig, t′) with
 * fresh noise; the final image is pasted with the exact original outside the mask.
 */
export async function inpaint(options: InpaintOptions): Promise<ImageBatch> {
  const { image, mask, sampler, noise } = options;
  checkFinite("image", image);
  checkFinite("mask", mask);
  const [b, c, h, w] = image.shape;
  const [mb, mc, mh, mw] = mask.shape;
  if (!((mb === 1 || mb === b) && (mc === 1 || mc === c) && mh === h && mw === w)) {
    throw new RangeError(
      `\`mask\` shape must be [1 or ${b}, 1 or ${c}, ${h}, ${w}] to match \`image\` (got [${mask.shape.join(", ")}])`,
    );
  }
  for (let i = 0; i < mask.data.length; i++) checkNumber(`mask element ${i}`, mask.data[i]!, { min: 0, max: 1 });
  checkCompatible(options.denoiser, sampler, image.shape);
  const iStart = checkIStart(sampler, options.iStart ?? 0);
  const branch = makeBranch("condition", options.condition, options.unconditional, b);
  const plan = { branches: [branch], guidanceScale: options.guidanceScale, reduction: "mean" as const };
  const paste = (x: ImageBatch, levelIndex: number): ImageBatch =>
    blend(mask, x, sampler.addNoise(image, levelIndex, noise.gaussian(image.shape, "forward")));
  const start =
    iStart === 0 ? ({ kind: "noise", shape: image.shape } as const) : ({ kind: "image", image, iStart } as const);
  const x = await runPlan(options, plan, start, paste);
  return blend(mask, x, image);
}
