/** Losses: mean squared error and softmax cross-entropy, each a scalar (shape []). */
import { attrInt, type GraphBuilder, type SymTensor } from "../graph/builder.js";
import { reduceMean, reduceSum, rmul, rsub, unary } from "../graph/raw.js";

const allAxes = (t: SymTensor) => t.shape.map((_, i) => i);

/** mean((prediction − target)²), PyTorch `F.mse_loss` with reduction "mean". Only `prediction` gets a gradient. */
export function mseLoss(b: GraphBuilder, prediction: SymTensor, target: SymTensor): SymTensor {
  const diff = rsub(b, prediction, target);
  const loss = reduceMean(b, rmul(b, diff, diff), allAxes(diff), false);
  const n = diff.shape.reduce((p, q) => p * q, 1);
  return b.record([prediction, target], loss, (g) => [rmul(b, rmul(b, diff, g), 2 / n), null]);
}

/**
 * Cross-entropy of logits [B, K] against target distributions [B, K] (one-hot labels), averaged over the batch:
 * −(1/B)·Σ target·log_softmax(logits). Only `logits` gets a gradient.
 */
export function crossEntropyLoss(b: GraphBuilder, logits: SymTensor, target: SymTensor): SymTensor {
  const [batch] = logits.shape as [number, number];
  const logProbs = b.node("LogSoftmax", [logits], logits.shape, { axis: attrInt(1) });
  const loss = rmul(b, reduceSum(b, rmul(b, logProbs, target), [0, 1], false), -1 / batch);
  return b.record([logits, target], loss, (g) => {
    // d/dlogits = (softmax·Σₖtarget − target)/B
    const rowMass = reduceSum(b, target, [1], true);
    const grad = rsub(b, rmul(b, unary(b, "Exp", logProbs), rowMass), target);
    return [rmul(b, rmul(b, grad, g), 1 / batch), null];
  });
}
