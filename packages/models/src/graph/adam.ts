/**
 * Adam inside the graph, with PyTorch's update:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   p ← p − (lr / (1 − β1^step)) · m / (√v / √(1 − β2^step) + eps).
 * `lr` and `step` (1 on the first update) are scalar graph inputs, so schedules live outside the graph.
 */
import type { GraphBuilder, SymTensor } from "./builder.js";
import { radd, rdiv, rmul, rsub, unary } from "./raw.js";

export interface AdamOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export const ADAM_DEFAULTS: AdamOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** β1, β2 in [0, 1) and eps in (0, 1]: β = 1 divides by 1 − β^step = 0 and turns every weight into NaN. */
export function assertAdam(adam: AdamOptions, prefix = ""): void {
  if (typeof adam !== "object" || adam === null) throw new TypeError(`${prefix}\`adam\` must be { beta1, beta2, eps }`);
  for (const key of ["beta1", "beta2"] as const) {
    const value = adam[key];
    if (typeof value !== "number" || !(value >= 0 && value < 1)) {
      throw new RangeError(`${prefix}\`adam.${key}\` must be a number in [0, 1); got ${value}`);
    }
  }
  if (typeof adam.eps !== "number" || !(adam.eps > 0 && adam.eps <= 1)) {
    throw new RangeError(`${prefix}\`adam.eps\` must be a number in (0, 1]; got ${adam.eps}`);
  }
}

export interface AdamState {
  readonly param: SymTensor;
  readonly grad: SymTensor;
  readonly m: SymTensor;
  readonly v: SymTensor;
}

export interface AdamUpdate {
  readonly param: SymTensor;
  readonly m: SymTensor;
  readonly v: SymTensor;
}

export function adamUpdates(
  b: GraphBuilder,
  states: readonly AdamState[],
  lr: SymTensor,
  step: SymTensor,
  { beta1, beta2, eps }: AdamOptions = ADAM_DEFAULTS,
): AdamUpdate[] {
  const pow = (base: number) => b.node("Pow", [b.scalar(base), step], step.shape);
  const stepSize = rdiv(b, lr, rsub(b, b.scalar(1), pow(beta1)));
  const sqrtBias2 = unary(b, "Sqrt", rsub(b, b.scalar(1), pow(beta2)));
  return states.map(({ param, grad, m, v }) => {
    const m2 = radd(b, rmul(b, m, beta1), rmul(b, grad, 1 - beta1));
    const v2 = radd(b, rmul(b, v, beta2), rmul(b, rmul(b, grad, grad), 1 - beta2));
    const denom = radd(b, rdiv(b, unary(b, "Sqrt", v2), sqrtBias2), eps);
    const p2 = rsub(b, param, rmul(b, rdiv(b, m2, denom), stepSize));
    return { param: p2, m: m2, v: v2 };
  });
}
