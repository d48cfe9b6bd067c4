import type { Condition, Denoiser } from "../denoiser.js";
import { checkFinite, checkNumber } from "../errors.js";
import { type GuidanceBranch, type GuidancePlan, guidedPredict } from "../guidance.js";
import { type RunOptions, runReverseLoop } from "../loop.js";
import type { NoiseSource } from "../random.js";
import type { Sampler } from "../samplers/sampler.js";
import type { ImageBatch, Shape } from "../tensor.js";

/** What every sampling procedure needs. */
export interface SamplingOptions extends RunOptions {
  readonly denoiser: Denoiser;
  readonly sampler: Sampler;
  /** Gaussian noise for the start, each reverse step and the forward process; usually `new Rng(seed)`. */
  readonly noise: NoiseSource;
}

export interface ConditioningOptions {
  /** The prompt or class, one for all images or one per image. */
  readonly condition: Condition | readonly Condition[];
  /**
   * Classifier-free guidance scale γ ≥ 0 (ε = ε_u + γ·(ε_c − ε_u); course: 7 for IF, 5 for MNIST). Leave undefined
   * for plain conditional sampling (one model branch).
   */
  readonly guidanceScale?: number;
  /**
   * The unconditional branch. Default: the empty prompt `{ prompt: "" }` for prompts, `null` (zero class vector) for
   * class labels.
   */
  readonly unconditional?: Condition | readonly Condition[];
}

/** Where sampling starts: pure noise at level 0, or an image forward-noised to level `iStart`. */
export type Start =
  | { readonly kind: "noise"; readonly shape: Shape; readonly initialNoise?: ImageBatch }
  | { readonly kind: "image"; readonly image: ImageBatch; readonly iStart: number }
  | { readonly kind: "noisy"; readonly x: ImageBatch; readonly iStart: number };

/** The empty prompt for text conditions, the zero class vector (null) otherwise. */
export function defaultUnconditional(condition: Condition): Condition {
  return condition !== null && "prompt" in condition ? { prompt: "" } : null;
}

/** Throws unless `c` is null, `{ prompt: string }` or `{ classLabel: integer ≥ 0 }`. */
export function checkCondition(name: string, c: unknown): Condition {
  if (c === null) return c;
  if (typeof c === "object" && c !== undefined) {
    if ("prompt" in c && typeof c.prompt === "string") return c as Condition;
    if ("classLabel" in c && typeof c.classLabel === "number") {
      checkNumber(`${name}.classLabel`, c.classLabel, { min: 0, integer: true });
      return c as Condition;
    }
  }
  throw new RangeError(
    `\`${name}\` must be null, { prompt: string } or { classLabel: integer ≥ 0 } (got ${JSON.stringify(c) ?? String(c)})`,
  );
}

/** One condition per batch item, or a clear error. */
export function perItem(name: string, value: Condition | readonly Condition[], batchSize: number): Condition[] {
  if (!Array.isArray(value)) {
    const c = checkCondition(name, value);
    return Array.from({ length: batchSize }, () => c);
  }
  if (value.length !== batchSize) {
    throw new RangeError(`\`${name}\` must have one entry per image (${batchSize}) (got ${value.length})`);
  }
  return value.map((c, i) => checkCondition(`${name}[${i}]`, c));
}

/** The batch size implied by per-image conditions (1 when a single condition is given). */
export function impliedBatchSize(...values: (Condition | readonly Condition[] | undefined)[]): number {
  for (const v of values) if (Array.isArray(v)) return v.length;
  return 1;
}

/** A guidance branch for one condition set, with the unconditional default filled in. */
export function makeBranch(
  name: string,
  condition: Condition | readonly Condition[],
  unconditional: Condition | readonly Condition[] | undefined,
  batchSize: number,
  extra: Pick<GuidanceBranch, "view" | "component"> = {},
): GuidanceBranch {
  const conditions = perItem(name, condition, batchSize);
  const uncond =
    unconditional === undefined
      ? conditions.map(defaultUnconditional)
      : perItem("unconditional", unconditional, batchSize);
  return { conditions, unconditional: uncond, ...extra };
}

/** `iStart` must index a level that still has a step to take. */
export function checkIStart(sampler: Sampler, iStart: number): number {
  return checkNumber("iStart", iStart, { min: 0, max: sampler.numSteps - 1, integer: true });
}

/** The denoiser must speak the sampler's time and prediction kind, and fit the image's C × H × W. */
export function checkCompatible(denoiser: Denoiser, sampler: Sampler, shape: Shape): void {
  const info = denoiser.info;
  if (info.time !== sampler.time) {
    throw new RangeError(
      `\`denoiser.info.time\` must be "${sampler.time}" for the ${sampler.name} sampler (got "${info.time}")`,
    );
  }
  if (!sampler.accepts.includes(info.prediction)) {
    throw new RangeError(
      `\`denoiser.info.prediction\` must be one of ${sampler.accepts.map((k) => `"${k}"`).join(", ")} for the ${sampler.name} sampler (got "${info.prediction}")`,
    );
  }
  const [b, c, h, w] = shape;
  if (c !== info.channels || h !== info.height || w !== info.width) {
    throw new RangeError(
      `image shape must be [B, ${info.channels}, ${info.height}, ${info.width}] for this denoiser (got [${shape.join(", ")}])`,
    );
  }
  if (info.batchSize !== undefined && b !== info.batchSize) {
    throw new RangeError(
      `\`batchSize\` must be ${info.batchSize}: this denoiser is bound to ${info.batchSize} image(s) (got ${b})`,
    );
  }
}

/** Builds the start sample, runs the reverse loop with the plan's guided prediction. */
export async function runPlan(
  options: SamplingOptions,
  plan: GuidancePlan,
  start: Start,
  afterStep?: (x: ImageBatch, levelIndex: number) => ImageBatch,
): Promise<ImageBatch> {
  const { denoiser, sampler, noise, signal } = options;
  if (plan.guidanceScale !== undefined) checkNumber("guidanceScale", plan.guidanceScale, { min: 0 });
  let x: ImageBatch;
  let startIndex: number;
  if (start.kind === "image") {
    checkFinite("image", start.image);
    checkCompatible(denoiser, sampler, start.image.shape);
    startIndex = checkIStart(sampler, start.iStart);
    x = sampler.addNoise(start.image, startIndex, noise.gaussian(start.image.shape, "forward"));
  } else if (start.kind === "noisy") {
    checkFinite("x", start.x);
    checkCompatible(denoiser, sampler, start.x.shape);
    startIndex = checkIStart(sampler, start.iStart);
    x = start.x;
  } else {
    checkCompatible(denoiser, sampler, start.shape);
    startIndex = 0;
    x = start.initialNoise ?? noise.gaussian(start.shape, "initial");
    if (start.initialNoise) checkFinite("initialNoise", start.initialNoise);
    if (x.shape.join() !== start.shape.join()) {
      throw new RangeError(
        `\`initialNoise\` must have shape [${start.shape.join(", ")}] (got [${x.shape.join(", ")}])`,
      );
    }
  }
  const predict = (xt: ImageBatch, i: number) => guidedPredict(denoiser, plan, xt, sampler.levels[i]!, signal);
  return runReverseLoop({ ...options, x, startIndex, predict, noise, afterStep });
}

/** [B, C, H, W] from the denoiser's declared image size. */
export function shapeFor(denoiser: Denoiser, batchSize: number): Shape {
  checkNumber("batchSize", batchSize, { min: 1, max: 4096, integer: true });
  return [batchSize, denoiser.info.channels, denoiser.info.height, denoiser.info.width];
}
