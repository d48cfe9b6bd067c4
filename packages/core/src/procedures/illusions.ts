import { gaussianBlur, gaussianKernel1d } from "../blur.js";
import type { Condition } from "../denoiser.js";
import { checkNumber } from "../errors.js";
import type { GuidanceBranch } from "../guidance.js";
import type { ImageBatch } from "../tensor.js";
import type { View } from "../views.js";
import { impliedBatchSize, makeBranch, runPlan, type SamplingOptions, type Start, shapeFor } from "./common.js";

interface IllusionStartOptions {
  /** Classifier-free guidance scale γ ≥ 0 (course: 7). Undefined: conditional branches only. */
  readonly guidanceScale?: number;
  /** Number of images; default from per-image conditions, else 1. */
  readonly batchSize?: number;
  /** Explicit x at level 0. */
  readonly initialNoise?: ImageBatch;
  /** Start from an image noised to level `iStart` instead of from pure noise (e.g. to design a logo). */
  readonly init?: { readonly image: ImageBatch; readonly iStart: number };
}

export interface AnagramPart {
  readonly condition: Condition | readonly Condition[];
  readonly view: View;
  /** Default: the empty prompt (or null for class labels). */
  readonly unconditional?: Condition | readonly Condition[];
}

export interface VisualAnagramOptions extends SamplingOptions, IllusionStartOptions {
  /** Any number of (prompt, view) pairs; the image reads as prompt k when seen through view k. */
  readonly views: readonly AnagramPart[];
  /** Run views that are not orthogonal (the result is not a valid diffusion step). Default false. */
  readonly allowInvalidViews?: boolean;
}

function startFor(options: SamplingOptions & IllusionStartOptions, batchSize: number): Start {
  return options.init
    ? { kind: "image", image: options.init.image, iStart: options.init.iStart }
    : { kind: "noise", shape: shapeFor(options.denoiser, batchSize), initialNoise: options.initialNoise };
}

function batchSizeFor(
  options: IllusionStartOptions,
  conditions: (Condition | readonly Condition[] | undefined)[],
): number {
  return (
    options.batchSize ??
    options.init?.image.shape[0] ??
    options.initialNoise?.shape[0] ??
    impliedBatchSize(...conditions)
  );
}

/**
 * Course §1.8 (visual anagrams): ε = mean_k view_k⁻¹(CFG(ε(view_k(x_t), p_k))), all views and CFG branches in one
 * model call; variance channels are averaged the same way. Views must be valid (orthogonal) unless
 * `allowInvalidViews` is set.
 */
export async function visualAnagram(options: VisualAnagramOptions): Promise<ImageBatch> {
  if (!Array.isArray(options.views) || options.views.length === 0) {
    throw new RangeError("`views` must contain at least one { condition, view } pair");
  }
  options.views.forEach((part, k) => {
    if (!part.view.valid && !options.allowInvalidViews) {
      throw new RangeError(
        `\`views[${k}].view\` ("${part.view.name}") is not a valid view: it must be an orthogonal linear map (a pixel permutation or negation); set \`allowInvalidViews\` to run it anyway`,
      );
    }
  });
  const b = batchSizeFor(
    options,
    options.views.flatMap((p) => [p.condition, p.unconditional]),
  );
  const branches = options.views.map((part, k) =>
    makeBranch(`views[${k}].condition`, part.condition, part.unconditional, b, { view: part.view }),
  );
  return runPlan(options, { branches, guidanceScale: options.guidanceScale, reduction: "mean" }, startFor(options, b));
}

export interface FactorizedPart {
  readonly condition: Condition | readonly Condition[];
  /** The part of the guided prediction this prompt controls (e.g. its low frequencies); parts should sum to identity. */
  readonly component: (prediction: ImageBatch) => ArrayLike<number>;
  readonly unconditional?: Condition | readonly Condition[];
}

export interface FactorizedDiffusionOptions extends SamplingOptions, IllusionStartOptions {
  readonly components: readonly FactorizedPart[];
}

/**
 * Factorized diffusion (Geng et al., arXiv 2404.11615): ε = Σ_k f_k(CFG(ε(x_t, p_k))), where the f_k split an image
 * into parts (frequency bands, grayscale/colour, …). All branches in one model call.
 */
export async function factorizedDiffusion(options: FactorizedDiffusionOptions): Promise<ImageBatch> {
  if (!Array.isArray(options.components) || options.components.length === 0) {
    throw new RangeError("`components` must contain at least one { condition, component } part");
  }
  const b = batchSizeFor(
    options,
    options.components.flatMap((p) => [p.condition, p.unconditional]),
  );
  const branches: GuidanceBranch[] = options.components.map((part, k) =>
    makeBranch(`components[${k}].condition`, part.condition, part.unconditional, b, { component: part.component }),
  );
  return runPlan(options, { branches, guidanceScale: options.guidanceScale, reduction: "sum" }, startFor(options, b));
}

export interface HybridImageOptions extends SamplingOptions, IllusionStartOptions {
  /** Seen from far away: its low frequencies (course: "a lithograph of a skull"). */
  readonly lowPassCondition: Condition | readonly Condition[];
  /** Seen close up: its high frequencies (course: "a lithograph of waterfalls"). */
  readonly highPassCondition: Condition | readonly Condition[];
  /** Blur kernel size (odd; default 33) and σ (default 2), the course's and visual_anagrams' defaults. */
  readonly kernelSize?: number;
  readonly sigma?: number;
}

/** Course §1.9 (hybrid images): ε = lowpass(ε_1) + highpass(ε_2), highpass(e) = e − blur(e). */
export async function hybridImage(options: HybridImageOptions): Promise<ImageBatch> {
  const kernelSize = options.kernelSize ?? 33;
  const sigma = checkNumber("sigma", options.sigma ?? 2, { min: 0, exclusiveMin: true });
  gaussianKernel1d(kernelSize, sigma); // validates kernelSize before any model call
  const low = (p: ImageBatch) => gaussianBlur(p, kernelSize, sigma).data;
  // float64 difference, so lowpass(e) + highpass(e) is exactly e.
  const high = (p: ImageBatch) => {
    const blurred = gaussianBlur(p, kernelSize, sigma).data;
    const out = new Float64Array(p.data.length);
    for (let i = 0; i < out.length; i++) out[i] = p.data[i]! - blurred[i]!;
    return out;
  };
  return factorizedDiffusion({
    ...options,
    components: [
      { condition: options.lowPassCondition, component: low },
      { condition: options.highPassCondition, component: high },
    ],
  });
}
