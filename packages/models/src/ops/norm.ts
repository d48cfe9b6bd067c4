/**
 * BatchNorm2d in PyTorch's train and eval forms. Train mode normalizes with the biased batch variance and updates the
 * running variance with the unbiased one (×n/(n−1)); ORT's `training_mode=1` is not relied on.
 */
import { attrFloat, type GraphBuilder, type SymTensor } from "../graph/builder.js";
import { radd, reduceMean, reduceSum, reshape, rmul, rsub, unary } from "../graph/raw.js";

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

/** Train-mode BN over [N, C, H, W] with weight/bias/running stats of shape [C]. */
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
  const variance = reduceMean(b, rmul(b, centered, centered), axes, true);
  const rstd = unary(b, "Reciprocal", unary(b, "Sqrt", radd(b, variance, eps)));
  const xhat = rmul(b, centered, rstd);
  const gamma = reshape(b, weight, [1, c, 1, 1]);
  const beta = reshape(b, bias, [1, c, 1, 1]);
  const y = radd(b, rmul(b, xhat, gamma), beta);
  b.record([x, weight, bias], y, (g) => {
    // dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = g·γ
    const dxhat = rmul(b, g, gamma);
    const m1 = reduceMean(b, dxhat, axes, true);
    const m2 = reduceMean(b, rmul(b, dxhat, xhat), axes, true);
    const dx = rmul(b, rsub(b, rsub(b, dxhat, m1), rmul(b, xhat, m2)), rstd);
    const dgamma = reduceSum(b, rmul(b, g, xhat), axes, false);
    const dbeta = reduceSum(b, g, axes, false);
    return [dx, dgamma, dbeta];
  });
  const batchMean = reshape(b, mean, [c]);
  const unbiasedVar = rmul(b, reshape(b, variance, [c]), count / Math.max(count - 1, 1));
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
