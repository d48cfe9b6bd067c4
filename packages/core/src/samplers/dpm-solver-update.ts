import { type ImageBatch, imageBatch } from "../tensor.js";
import type { StepCarry } from "./sampler.js";

/** A point on the diffusion path x = α·x_clean + σ·noise, with its log-SNR λ = log(α/σ). */
export interface PathPoint {
  readonly alpha: number;
  readonly sigma: number;
}

/** λ = log α − log σ (−∞ at pure noise, +∞ at the clean image). */
export function logSnr(p: PathPoint): number {
  return Math.log(p.alpha) - Math.log(p.sigma);
}

/**
 * One DPM-Solver++ step in its data-prediction form (Lu et al. 2022, "DPM-Solver++", eq. 9 and Algorithm 2) from s
 * to t, with h = λ_t − λ_s:
 *   first order:  x_t = (σ_t/σ_s)·x_s − α_t·(e^{−h} − 1)·D,  D = x̂(s)  (= DDIM; = Euler on the flow path);
 *   2M:           D = (1 + 1/(2r))·x̂(s) − 1/(2r)·x̂(s′),  r = h′/h, h′ = λ_s − λ_{s′} for the previous level s′.
 * The second order is taken only with an earlier estimate and finite h, h′: the first step from pure noise (λ = −∞)
 * and the last one to the clean image (σ_t = 0, where x_t = x̂(s)) are first order, as in diffusers.
 */
export function dpmSolverPlusPlusUpdate(
  x: ImageBatch,
  s: PathPoint,
  t: PathPoint,
  denoised: ImageBatch,
  previous?: { readonly denoised: ImageBatch; readonly point: PathPoint },
): ImageBatch {
  const out = imageBatch(x.shape);
  if (t.sigma === 0) {
    out.data.set(denoised.data);
    return out;
  }
  const lambdaS = logSnr(s);
  const h = logSnr(t) - lambdaS;
  const hPrev = previous ? lambdaS - logSnr(previous.point) : Number.NaN;
  const secondOrder = previous !== undefined && Number.isFinite(h) && Number.isFinite(hPrev);
  const halfInvR = secondOrder ? h / (2 * hPrev) : 0; // 1/(2r)
  const ratio = t.sigma / s.sigma;
  const coeff = -t.alpha * Math.expm1(-h); // −α_t·(e^{−h} − 1)
  const m0 = denoised.data;
  const m1 = previous?.denoised.data;
  for (let i = 0; i < out.data.length; i++) {
    const d = secondOrder ? (1 + halfInvR) * m0[i]! - halfInvR * m1![i]! : m0[i]!;
    out.data[i] = ratio * x.data[i]! + coeff * d;
  }
  return out;
}

/** The previous step's clean-image estimate, for the multistep correction. */
export interface DenoisedCarry extends StepCarry {
  readonly denoised: ImageBatch;
}

/**
 * The previous step's estimate from `carry`: none at the first step of a run (the step is then first order), a
 * RangeError for a carry from another sampler or step.
 */
export function previousDenoised(name: string, index: number, carry?: StepCarry): DenoisedCarry | undefined {
  if (carry === undefined) return undefined;
  if (carry.sampler !== name || carry.index !== index - 1) {
    throw new RangeError(
      `\`carry\` must be the carry of step ${index - 1} of this ${name} run, or undefined at a run's first step ` +
        `(got ${carry.sampler} step ${carry.index})`,
    );
  }
  return carry as DenoisedCarry;
}
