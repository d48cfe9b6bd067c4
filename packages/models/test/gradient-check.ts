/**
 * The per-op gradient check: an op's autodiff gradients, computed by ONNX Runtime in float32, against central finite
 * differences of a float64 reference implementation. The scalar under test is loss = mean((op(inputs) − target)²)
 * with a random target (or the op's own value for the losses).
 */
import { mulberry32 } from "@diffusion-studio/core";
import { expect } from "vitest";
import { backward } from "../src/graph/autodiff.js";
import { GraphBuilder, type SymTensor } from "../src/graph/builder.js";
import { serializeGraph } from "../src/graph/serialize.js";
import { mseLoss } from "../src/ops/loss.js";
import { relativeError, runtime } from "./helpers.js";
import * as ref from "./reference-ops.js";

export type Inputs = Record<string, ref.T64>;

export interface OpCase {
  readonly name: string;
  readonly inputs: Record<string, ref.Shape>;
  /** Inputs kept positive (divisors). */
  readonly positive?: readonly string[];
  readonly build: (b: GraphBuilder, x: Record<string, SymTensor>) => SymTensor;
  readonly reference: (x: Inputs) => ref.T64;
  /** The op is itself a scalar loss: no MSE wrapper. `target` is then an input without gradient. */
  readonly isLoss?: boolean;
}

function randomInputs(c: OpCase, seed: number): Inputs {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out: Inputs = {};
  for (const [name, shape] of Object.entries(c.inputs)) {
    const data = new Float64Array(ref.size(shape)).map(() => gauss());
    if (c.positive?.includes(name)) for (let i = 0; i < data.length; i++) data[i] = 0.5 + Math.abs(data[i]!);
    out[name] = { data, shape };
  }
  return out;
}

/** Checks every input's gradient (max relative error < 1e-4); returns the worst. */
export async function check(c: OpCase): Promise<number> {
  const values = randomInputs(c, 7);
  const b = new GraphBuilder();
  const sym: Record<string, SymTensor> = {};
  for (const [name, shape] of Object.entries(c.inputs)) sym[name] = b.input(name, shape);
  const out = c.build(b, sym);
  let loss: SymTensor;
  let target: ref.T64 | null = null;
  if (c.isLoss) loss = out;
  else {
    target = randomInputs({ ...c, inputs: { target: out.shape } }, 11).target!;
    loss = mseLoss(b, out, b.input("target", out.shape));
  }
  const wrt = Object.keys(c.inputs).filter((n) => !(c.isLoss && n === "target"));
  const grads = backward(
    b,
    loss,
    wrt.map((n) => sym[n]!),
  );
  b.output(loss, "loss");
  for (const n of wrt) b.output(grads.get(n)!, `grad.${n}`);
  const session = await runtime.createSession(serializeGraph(b));
  const feeds: Record<string, ReturnType<typeof runtime.tensor>> = {};
  for (const [name, v] of Object.entries(values)) feeds[name] = runtime.tensor(Float32Array.from(v.data), v.shape);
  if (target) feeds.target = runtime.tensor(Float32Array.from(target.data), target.shape);
  const result = await session.run(feeds);

  // Inputs are rounded to float32 for ORT; use the same rounded values in the float64 reference.
  for (const v of Object.values(values)) v.data.set(Float32Array.from(v.data));
  const f = (x: Inputs) => {
    const y = c.reference(x);
    return c.isLoss ? y.data[0]! : ref.mse(y, target!);
  };
  expect(Math.abs((result.loss!.data as Float32Array)[0]! - f(values))).toBeLessThan(1e-5 * Math.max(1, f(values)));
  let worst = 0;
  for (const name of wrt) {
    const v = values[name]!;
    const fd = new Float64Array(v.data.length);
    const h = 1e-6;
    for (let i = 0; i < v.data.length; i++) {
      const keep = v.data[i]!;
      v.data[i] = keep + h;
      const up = f(values);
      v.data[i] = keep - h;
      const down = f(values);
      v.data[i] = keep;
      fd[i] = (up - down) / (2 * h);
    }
    const err = relativeError(result[`grad.${name}`]!.data as Float32Array, fd);
    expect(err, `${c.name}: d/d${name}`).toBeLessThan(1e-4);
    worst = Math.max(worst, err);
  }
  await session.release();
  return worst;
}
