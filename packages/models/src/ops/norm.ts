/**
 * BatchNorm2d in PyTorch's train and eval forms. Train mode is one ONNX `BatchNormalization` node with
 * `training_mode=1` (opset 15+, in ORT's stock CPU provider): it normalizes with the batch statistics and, with
 * momentum 0, hands them back as its "running" outputs (batch mean and biased variance). PyTorch's running update
 * (momentum 0.1, unbiased variance ×n/(n−1)) is then applied to those [C] vectors here.
 */
import { attrFloat, attrInt, type GraphBuilder, type SymTensor } from "../graph/builder.js";
import { channelAffine, radd, reduceSum, reshape, rmul, rsub, unary } from "../graph/raw.js";

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

/** The batch statistics that the backward reuses, per channel ([C]). */
interface BatchStats {
  readonly mean: SymTensor;
  /** 1/√(σ² + eps), σ² the biased batch variance. */
  readonly rstd: SymTensor;
}

/**
 * Two [C] zero vectors for a training-mode BatchNormalization node's running-stat inputs, which momentum 0 multiplies
 * by 0. ORT's CPU kernel aliases its running-stat outputs to those inputs: it writes the batch statistics into the
 * input buffers, fed tensors and initializers included. So each node gets buffers of its own, computed from x on
 * every run (constant folding cannot make them shared initializers) as the two outputs of one Split (common
 * subexpression elimination cannot merge them into one buffer).
 */
function privateRunningInputs(b: GraphBuilder, x: SymTensor): SymTensor[] {
  const c = x.shape[1]!;
  const firstPixel = b.node("Slice", [x, b.ints([0, 0, 0, 0]), b.ints([1, c, 1, 1])], [1, c, 1, 1]);
  const zeros = rmul(b, reshape(b, firstPixel, [1, c]), b.constant([0, 0], [2, 1])); // [2, C]
  const row: readonly number[] = [1, c];
  return b.nodeMulti("Split", [zeros, b.ints([1, 1])], [row, row], { axis: attrInt(0) }).map((r) => reshape(b, r, [c]));
}

const perChannel = (b: GraphBuilder, v: SymTensor) => reshape(b, v, [1, v.shape[0]!, 1, 1]);

/**
 * BN's vector-Jacobian product for dL/dy = k·gy (k = 1, or √½ when a GELU follows, see below), from x and the saved
 * statistics; x̂ = (x − μ)·rstd is never materialized: Σ gy·x̂ = rstd·(Σ gy·x − μ·Σ gy), and
 * dx = γ·k·rstd·(gy − Σgy/n − x̂·Σ(gy·x̂)/n) = γ·k·rstd·(gy − (x·a + c)) with per-channel a, c.
 * Full-size passes: gy·x, two reductions, the affine of x, the subtraction and the scaling.
 */
function batchNormBackward(b: GraphBuilder, x: SymTensor, weight: SymTensor, { mean, rstd }: BatchStats, k: number) {
  const [n, , h, w] = x.shape as [number, number, number, number];
  const count = n * h * w;
  const axes = [0, 2, 3];
  return (gy: SymTensor): SymTensor[] => {
    const sumG = reduceSum(b, gy, axes, false);
    const sumGX = reduceSum(b, rmul(b, gy, x), axes, false);
    const sumGXhat = rmul(b, rsub(b, sumGX, rmul(b, mean, sumG)), rstd);
    const a = rmul(b, rmul(b, sumGXhat, rstd), 1 / count);
    const c = rsub(b, rmul(b, sumG, 1 / count), rmul(b, mean, a));
    const dx = rmul(b, rsub(b, gy, channelAffine(b, x, a, c)), perChannel(b, rmul(b, rmul(b, weight, k), rstd)));
    return [dx, k === 1 ? sumGXhat : rmul(b, sumGXhat, k), k === 1 ? sumG : rmul(b, sumG, k)];
  };
}

/**
 * Train-mode BN over [N, C, H, W] with weight/bias/running stats of shape [C]; `withGelu` appends an exact GELU,
 * fused: the BN node emits s = z/√2 directly (γ and β scaled by √½), so GELU(z) = z·Φ(z) = s·(1 + erf(s))/√2 needs
 * no scaling pass, and the backward folds GELU's √½ into BN's per-channel factors.
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
  const k = withGelu ? Math.SQRT1_2 : 1;
  const affine = k === 1 ? [weight, bias] : [rmul(b, weight, k), rmul(b, bias, k)];
  // With momentum 0 the node's running outputs are this batch's mean and biased variance.
  const [normalized, batchMean, batchVar] = b.nodeMulti(
    "BatchNormalization",
    [x, ...affine, ...privateRunningInputs(b, x)],
    [x.shape, [c], [c]],
    { epsilon: attrFloat(eps), momentum: attrFloat(0), training_mode: attrInt(1) },
  ) as [SymTensor, SymTensor, SymTensor];
  const rstd = unary(b, "Reciprocal", unary(b, "Sqrt", radd(b, batchVar, eps)));
  const bnBackward = batchNormBackward(b, x, weight, { mean: batchMean, rstd }, k);
  let y: SymTensor;
  if (!withGelu) {
    y = b.record([x, weight, bias], normalized, bnBackward);
  } else {
    const s = normalized;
    const cdf2 = channelAffine(b, unary(b, "Erf", s), Math.SQRT1_2, Math.SQRT1_2); // √2·Φ(z)
    y = b.record([x, weight, bias], rmul(b, s, cdf2), (g) => {
      // dGELU/dz = Φ(z) + z·φ(z) = √½·(√2Φ + s·exp(−s²)·√(2/π)); the √½ is k in the BN backward.
      const e = unary(b, "Exp", channelAffine(b, rmul(b, s, s), -1, 0.5 * Math.log(2 / Math.PI)));
      return bnBackward(rmul(b, g, radd(b, cdf2, rmul(b, s, e))));
    });
  }
  const count = n * h * w;
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
