/**
 * Reverse-mode autodiff over the builder's tape: keep the entries on a path from `wrt` to the loss, walk them in
 * reverse, sum the gradients of values used several times, and emit each entry's gradient nodes.
 */
import type { GraphBuilder, SymTensor } from "./builder.js";
import { sumAll } from "./raw.js";

/** Returns d(loss)/d(w) for every w in `wrt`, as graph values. `loss` must be a scalar (shape [] or [1]). */
export function backward(b: GraphBuilder, loss: SymTensor, wrt: readonly SymTensor[]): Map<string, SymTensor> {
  if (loss.shape.reduce((p, q) => p * q, 1) !== 1) {
    throw new Error(`backward: loss must be a scalar, got shape [${loss.shape.join(", ")}]`);
  }
  // 1. Values that depend on some `wrt` (forward sweep over the tape, which is in topological order).
  const dependsOnWrt = new Set(wrt.map((t) => t.name));
  for (const entry of b.tape) {
    if (entry.inputs.some((t) => dependsOnWrt.has(t.name))) dependsOnWrt.add(entry.output.name);
  }
  if (!dependsOnWrt.has(loss.name)) throw new Error("backward: the loss does not depend on any of `wrt`");

  // 2. Reverse sweep: sum the contributions to each value, then pass them through its rule.
  const contributions = new Map<string, SymTensor[]>([[loss.name, [b.constant([1], loss.shape)]]]);
  const tape = [...b.tape];
  for (let i = tape.length - 1; i >= 0; i--) {
    const entry = tape[i]!;
    const parts = contributions.get(entry.output.name);
    if (!parts || !dependsOnWrt.has(entry.output.name)) continue;
    const grads = entry.vjp(sumAll(b, parts));
    if (grads.length !== entry.inputs.length) {
      throw new Error(
        `gradient rule for \`${entry.output.name}\` returned ${grads.length} gradients, expected ${entry.inputs.length}`,
      );
    }
    entry.inputs.forEach((input, k) => {
      const grad = grads[k];
      if (!grad || !dependsOnWrt.has(input.name)) return;
      if (grad.shape.join(",") !== input.shape.join(",")) {
        throw new Error(`gradient of \`${input.name}\` has shape [${grad.shape}] instead of [${input.shape}]`);
      }
      const list = contributions.get(input.name);
      if (list) list.push(grad);
      else contributions.set(input.name, [grad]);
    });
  }

  const result = new Map<string, SymTensor>();
  for (const w of wrt) {
    const parts = contributions.get(w.name);
    if (!parts) throw new Error(`backward: the loss does not depend on \`${w.name}\``);
    result.set(w.name, sumAll(b, parts));
  }
  return result;
}
