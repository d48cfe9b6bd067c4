/**
 * BatchNorm2d in PyTorch's train and eval forms. Train mode normalizes with the biased batch variance and updates the
 * running variance with the unbiased one (×n/(n−1)); ORT's `training_mode=1` is not relied on.
 */
import { attrFloat, attrInt, attrInts, type GraphBuilder, type SymTensor } from "../graph/builder.js";
import { channelAffine, radd, reduceMean, reduceSum, reshape, rmul, rsub, unary } from "../graph/raw.js";

export interface BatchNormOptions {
  /** PyTorch default 1e-5. */
  readonly eps: number;
  /** PyTorch default 0.1: new = (1 − momentum)·running + momentum·batch. */
  readonly momentum: number;
}

export const BATCH_NORM_DEFAULTS: BatchNormOptions = { eps: 1e-5, momentum: 0.1 };

export interface BatchNormTrainResult {
  readonly y: SymTensor;
  readonly newRunningMean: SymTensor;
  readonly newRunningVar: SymTensor;
}

/**
 * Train-mode BN over [N, C, H, W] with weight/bias/running stats of shape [C]. Lowered to few full-size passes (the
 * unfused elementwise passes dominate at small D): forward Sub, Mul and one BatchNormalization node; backward
 * dx = γ·rstd·(g − Σg/n − x̂·Σ(g·x̂)/n) in four passes.
 */
export function batchNorm2dTrain(
  b: GraphBuilder,
  x: SymTensor,
  weight: SymTensor,
  bias: SymTensor,
  runningMean: SymTensor,
  runningVar: SymTensor,
  { eps, momentum }: BatchNormOptions = BATCH_NORM_DEFAULTS,
  withGelu = false,
): BatchNormTrainResult {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const count = n * h * w;
  const axes = [0, 2, 3];
  const mean = reduceMean(b, x, axes, true); // [1, C, 1, 1]
  const centered = rsub(b, x, mean);
  const sumSquares = b.node("ReduceSumSquare", [centered], [1, c, 1, 1], {
    axes: attrInts(axes),
    keepdims: attrInt(1),
  });
  const variance = rmul(b, sumSquares, 1 / count); // biased, for normalizing
  const rstd = unary(b, "Reciprocal", unary(b, "Sqrt", radd(b, variance, eps)));
  const batchMean = reshape(b, mean, [c]);
  const batchVar = reshape(b, variance, [c]);
  const rstdC = reshape(b, rstd, [c]);
  /**
   * BN backward for dL/dy = k·gy (k = 1, or √½ after GELU): x̂ = (x − μ)·rstd is never materialized, since
   * Σ g·x̂ = rstd·Σ g·(x − μ) and x̂·a = (x − μ)·(rstd·a); dx = γ·rstd·(g − x̂·Σ(g·x̂)/n − Σg/n).
   */
  const bnBackward = (gy: SymTensor, k: number) => {
    const sgc = rmul(b, reduceSum(b, rmul(b, gy, centered), axes, false), rstdC); // Σ gy·x̂
    const sg = reduceSum(b, gy, axes, false); // Σ gy
    const u = channelAffine(b, centered, rmul(b, rmul(b, sgc, rstdC), 1 / count), rmul(b, sg, 1 / count));
    const dx = rmul(b, rsub(b, gy, u), rmul(b, reshape(b, rmul(b, weight, k), [1, c, 1, 1]), rstd));
    return [dx, k === 1 ? sgc : rmul(b, sgc, k), k === 1 ? sg : rmul(b, sg, k)];
  };
  let y: SymTensor;
  if (!withGelu) {
    y = b.node("BatchNormalization", [x, weight, bias, batchMean, batchVar], x.shape, { epsilon: attrFloat(eps) });
    b.record([x, weight, bias], y, (g) => bnBackward(g, 1));
  } else {
    // GELU(z)·… with z = BN(x): the BN node emits s = z/√2 directly (γ and β scaled by √½), so that
    // GELU(z) = z·Φ(z) = s·(1 + erf(s))/√2 needs no separate scaling pass.
    const r = Math.SQRT1_2;
    const s = b.node("BatchNormalization", [x, rmul(b, weight, r), rmul(b, bias, r), batchMean, batchVar], x.shape, {
      epsilon: attrFloat(eps),
    });
    const cdf2 = channelAffine(b, unary(b, "Erf", s), r, r); // √2·Φ(z)
    y = rmul(b, s, cdf2);
    b.record([x, weight, bias], y, (g) => {
      // dGELU/dz = Φ(z) + z·φ(z) = √½·(√2Φ + s·exp(−s²)·√(2/π)); the √½ goes into the BN backward.
      const e = unary(b, "Exp", channelAffine(b, rmul(b, s, s), -1, 0.5 * Math.log(2 / Math.PI)));
      return bnBackward(rmul(b, g, radd(b, cdf2, rmul(b, s, e))), r);
    });
  }
  const unbiasedVar = rmul(b, batchVar, count / Math.max(count - 1, 1));
  const newRunningMean = radd(b, rmul(b, runningMean, 1 - momentum), rmul(b, batchMean, momentum));
  const newRunningVar = radd(b, rmul(b, runningVar, 1 - momentum), rmul(b, unbiasedVar, momentum));
  return { y, newRunningMean, newRunningVar };
}

/** Eval-mode BN with the running statistics: one BatchNormalization node (not differentiable here). */
export function batchNorm2dEval(
  b: GraphBuilder,
  x: SymTensor,
  weight: SymTensor,
  bias: SymTensor,
  runningMean: SymTensor,
  runningVar: SymTensor,
  { eps }: BatchNormOptions = BATCH_NORM_DEFAULTS,
): SymTensor {
  return b.node("BatchNormalization", [x, weight, bias, runningMean, runningVar], x.shape, {
    epsilon: attrFloat(eps),
  });
}
