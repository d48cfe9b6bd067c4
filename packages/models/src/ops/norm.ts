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
  const xhat = rmul(b, centered, rstd);
  const batchMean = reshape(b, mean, [c]);
  const batchVar = reshape(b, variance, [c]);
  const y = b.node("BatchNormalization", [x, weight, bias, batchMean, batchVar], x.shape, { epsilon: attrFloat(eps) });
  b.record([x, weight, bias], y, (g) => {
    const dgamma = reduceSum(b, rmul(b, g, xhat), axes, false); // Σ g·x̂
    const dbeta = reduceSum(b, g, axes, false); // Σ g
    // u = x̂·(Σg·x̂)/n + (Σg)/n, then dx = (g − u)·γ·rstd
    const u = channelAffine(b, xhat, rmul(b, dgamma, 1 / count), rmul(b, dbeta, 1 / count));
    const dx = rmul(b, rsub(b, g, u), rmul(b, reshape(b, weight, [1, c, 1, 1]), rstd));
    return [dx, dgamma, dbeta];
  });
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
