import type { CancelSignal, Condition, Denoiser } from "./denoiser.js";
import { checkFinite, checkNumber, checkOneOf } from "./errors.js";
import type { ModelPrediction } from "./samplers/sampler.js";
import { concatBatches, type ImageBatch, imageBatch, itemSize } from "./tensor.js";
import type { View } from "./views.js";

/** One branch of a guided prediction: a condition per image, optionally seen through a view or filtered. */
export interface GuidanceBranch {
  /** One condition per batch item. */
  readonly conditions: readonly Condition[];
  /** One unconditional condition per batch item; used when guidance is on. */
  readonly unconditional: readonly Condition[];
  /** The model sees view(x_t); its output is mapped back with the inverse. */
  readonly view?: View;
  /**
   * Factorized diffusion: the part of this branch's guided prediction that is kept (e.g. its low frequencies).
   * May return float64 values so complementary parts add up exactly.
   */
  readonly component?: (prediction: ImageBatch) => ArrayLike<number>;
}

export interface GuidancePlan {
  readonly branches: readonly GuidanceBranch[];
  /** CFG scale γ: ε = ε_u + γ·(ε_c − ε_u). Undefined: conditional branches only (no unconditional calls). */
  readonly guidanceScale?: number;
  /** How branches combine: `mean` (visual anagrams, plain CFG) or `sum` (factorized diffusion). */
  readonly reduction: "mean" | "sum";
}

/**
 * Runs every branch of one step (conditional, unconditional, each view) as a single `predict` call, then applies
 * CFG per branch, inverse views, components and the reduction. The variance channels (when present) are the
 * conditional branches' variances, inverse-viewed and averaged (diffusers keeps the conditional one;
 * visual_anagrams averages them).
 */
export async function guidedPredict(
  denoiser: Denoiser,
  plan: GuidancePlan,
  x: ImageBatch,
  t: number,
  signal?: CancelSignal,
): Promise<ModelPrediction> {
  const b = x.shape[0];
  checkNumber("t", t);
  checkOneOf("reduction", plan.reduction, ["mean", "sum"]);
  if (plan.branches.length === 0) throw new RangeError("`branches` must hold at least one branch");
  const wantsGuidance = plan.guidanceScale !== undefined;
  const gamma = wantsGuidance ? checkNumber("guidanceScale", plan.guidanceScale!, { min: 0 }) : 1;
  plan.branches.forEach((branch, k) => {
    if (branch.conditions.length !== b || (wantsGuidance && branch.unconditional.length !== b)) {
      throw new RangeError(
        `\`branches[${k}]\` must have one condition${wantsGuidance ? " and one unconditional" : ""} per image (${b}) ` +
          `(got ${branch.conditions.length}${wantsGuidance ? ` and ${branch.unconditional.length}` : ""})`,
      );
    }
  });
  // Guiding a branch against itself (an unconditional model, an empty prompt) gives ε_u + γ·(ε_c − ε_u) = ε_c
  // exactly, so the unconditional pass, which would double the model's work, is skipped.
  const guided = wantsGuidance && !plan.branches.every(guidesAgainstItself);
  const perBranch = guided ? 2 : 1;
  const inputs: ImageBatch[] = [];
  const conditions: Condition[] = [];
  for (const branch of plan.branches) {
    const xv = branch.view ? branch.view.apply(x) : x;
    inputs.push(xv);
    conditions.push(...branch.conditions);
    if (guided) {
      inputs.push(xv);
      conditions.push(...branch.unconditional);
    }
  }
  const input = inputs.length === 1 ? inputs[0]! : concatBatches(inputs);
  const times = new Float32Array(input.shape[0]).fill(t);
  const output = await denoiser.predict({ x: input, t: times, conditions }, signal);

  const expected = input.shape.join(", ");
  if (output.prediction.shape.join(", ") !== expected) {
    throw new RangeError(
      `denoiser \`prediction\` must have the input's shape [${expected}] (got [${output.prediction.shape.join(", ")}])`,
    );
  }
  checkFinite("denoiser prediction", output.prediction);
  if (output.variance) {
    if (output.variance.shape.join(", ") !== expected) {
      throw new RangeError(
        `denoiser \`variance\` must have shape [${expected}] (got [${output.variance.shape.join(", ")}])`,
      );
    }
    checkFinite("denoiser variance", output.variance);
  }

  const n = b * itemSize(x);
  const acc = new Float64Array(n);
  const varAcc = output.variance ? new Float64Array(n) : undefined;
  const pred = output.prediction.data;
  for (let k = 0; k < plan.branches.length; k++) {
    const branch = plan.branches[k]!;
    const condOffset = k * perBranch * n;
    // CFG in float64 with one rounding: γ = 1 gives ε_c and γ = 0 gives ε_u exactly.
    let g = imageBatch(x.shape, pred.slice(condOffset, condOffset + n));
    if (guided) {
      const gd = g.data;
      const uncondOffset = condOffset + n;
      for (let i = 0; i < n; i++) {
        const u = pred[uncondOffset + i]!;
        gd[i] = u + gamma * (gd[i]! - u);
      }
    }
    if (branch.view) g = branch.view.inverse(g);
    const part = branch.component ? branch.component(g) : g.data;
    if (part.length !== n) {
      throw new RangeError(`\`branches[${k}].component\` must return ${n} values, one per pixel (got ${part.length})`);
    }
    for (let i = 0; i < n; i++) acc[i] = acc[i]! + part[i]!;
    if (varAcc && output.variance) {
      let v = imageBatch(x.shape, output.variance.data.slice(condOffset, condOffset + n));
      if (branch.view) v = branch.view.inverseVariance(v);
      for (let i = 0; i < n; i++) varAcc[i] = varAcc[i]! + v.data[i]!;
    }
  }
  const k = plan.branches.length;
  const scale = plan.reduction === "mean" ? k : 1;
  const prediction = imageBatch(x.shape);
  for (let i = 0; i < n; i++) prediction.data[i] = acc[i]! / scale;
  let variance: ImageBatch | undefined;
  if (varAcc) {
    variance = imageBatch(x.shape);
    for (let i = 0; i < n; i++) variance.data[i] = varAcc[i]! / k;
  }
  return { kind: output.kind, prediction, variance };
}

/** Whether every item's unconditional condition is the condition itself. */
function guidesAgainstItself(branch: GuidanceBranch): boolean {
  return branch.conditions.every((c, i) => sameCondition(c, branch.unconditional[i]!));
}

function sameCondition(a: Condition, b: Condition): boolean {
  if (a === null || b === null) return a === b;
  if ("prompt" in a) return "prompt" in b && a.prompt === b.prompt;
  return "classLabel" in b && a.classLabel === b.classLabel;
}
