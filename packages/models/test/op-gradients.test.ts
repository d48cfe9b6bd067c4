/**
 * Per-op gradient checks: each op's autodiff gradients, computed by ONNX Runtime in float32, against central finite
 * differences of a float64 reference implementation computed here. The scalar under test is
 * loss = mean((op(inputs) − target)²) with a random target (or the op's own value for the losses).
 */
import { describe, expect, it } from "vitest";
import { backward } from "../src/graph/autodiff.js";
import { attrInt, attrString, GraphBuilder } from "../src/graph/builder.js";
import { serializeGraph } from "../src/graph/serialize.js";
import { conv2d, convTranspose2d } from "../src/ops/conv.js";
import {
  add,
  concat,
  div,
  flatten,
  gelu,
  globalAvgPool,
  linear,
  mul,
  relu,
  reshape,
  scale,
  sub,
  unsqueeze,
} from "../src/ops/elementwise.js";
import { crossEntropyLoss, mseLoss } from "../src/ops/loss.js";
import { batchNorm2dTrain } from "../src/ops/norm.js";
import { check, type OpCase } from "./gradient-check.js";
import { relativeError, runtime } from "./helpers.js";
import * as ref from "./reference-ops.js";

const cases: OpCase[] = [
  {
    name: "conv2d k3 s1 p1",
    inputs: { x: [2, 3, 6, 6], w: [4, 3, 3, 3], bias: [4] },
    build: (b, i) => conv2d(b, i.x!, i.w!, i.bias!, { stride: 1, pad: 1 }),
    reference: (i) => ref.conv2d(i.x!, i.w!, i.bias!, 1, 1),
  },
  {
    name: "conv2d k3 s1 p1 with fewer outputs than inputs (patches of the output gradient)",
    inputs: { x: [2, 4, 5, 5], w: [2, 4, 3, 3], bias: [2] },
    build: (b, i) => conv2d(b, i.x!, i.w!, i.bias!, { stride: 1, pad: 1 }),
    reference: (i) => ref.conv2d(i.x!, i.w!, i.bias!, 1, 1),
  },
  {
    name: "conv2d k3 s2 p1, even input (output_padding 1)",
    inputs: { x: [2, 2, 6, 6], w: [3, 2, 3, 3], bias: [3] },
    build: (b, i) => conv2d(b, i.x!, i.w!, i.bias!, { stride: 2, pad: 1 }),
    reference: (i) => ref.conv2d(i.x!, i.w!, i.bias!, 2, 1),
  },
  {
    name: "conv2d k3 s2 p1, odd input",
    inputs: { x: [2, 2, 7, 7], w: [3, 2, 3, 3], bias: [3] },
    build: (b, i) => conv2d(b, i.x!, i.w!, i.bias!, { stride: 2, pad: 1 }),
    reference: (i) => ref.conv2d(i.x!, i.w!, i.bias!, 2, 1),
  },
  {
    name: "convTranspose2d k4 s2 p1",
    inputs: { x: [2, 3, 4, 4], w: [3, 2, 4, 4], bias: [2] },
    build: (b, i) => convTranspose2d(b, i.x!, i.w!, i.bias!, { stride: 2, pad: 1 }),
    reference: (i) => ref.convTranspose2d(i.x!, i.w!, i.bias!, 2, 1),
  },
  {
    name: "convTranspose2d k7 s7 p0 (unflatten)",
    inputs: { x: [2, 3, 1, 1], w: [3, 2, 7, 7], bias: [2] },
    build: (b, i) => convTranspose2d(b, i.x!, i.w!, i.bias!, { stride: 7, pad: 0 }),
    reference: (i) => ref.convTranspose2d(i.x!, i.w!, i.bias!, 7, 0),
  },
  {
    name: "batchNorm2d (train)",
    inputs: { x: [3, 2, 3, 3], gamma: [2], beta: [2] },
    build: (b, i) => {
      // One constant as both running stats on purpose: ORT's kernel writes its running outputs into those input
      // buffers, which gave wrong batch statistics until each node got private ones.
      const stats = b.constant([0, 0], [2]);
      return batchNorm2dTrain(b, i.x!, i.gamma!, i.beta!, stats, stats).y;
    },
    reference: (i) => ref.batchNorm(i.x!, i.gamma!, i.beta!),
  },
  {
    name: "gelu (exact)",
    inputs: { x: [3, 7] },
    build: (b, i) => gelu(b, i.x!),
    reference: (i) => ref.gelu(i.x!),
  },
  {
    name: "globalAvgPool",
    inputs: { x: [2, 3, 4, 4] },
    build: (b, i) => globalAvgPool(b, i.x!),
    reference: (i) => ref.globalAvgPool(i.x!),
  },
  {
    name: "linear",
    inputs: { x: [3, 4], w: [5, 4], bias: [5] },
    build: (b, i) => linear(b, i.x!, i.w!, i.bias!),
    reference: (i) => ref.linear(i.x!, i.w!, i.bias!),
  },
  {
    name: "broadcast mul, add, sub, div ([N,C,H,W] with [N,C,1,1] and [1,C,1,1])",
    inputs: { x: [2, 3, 4, 4], e: [2, 3, 1, 1], d: [1, 3, 1, 1] },
    positive: ["d"],
    build: (b, i) => div(b, sub(b, add(b, mul(b, i.x!, i.e!), i.e!), i.d!), i.d!),
    reference: (i) => {
      const m = ref.broadcast(i.x!, i.e!, (a, c) => a * c);
      const s = ref.broadcast(
        ref.broadcast(m, i.e!, (a, c) => a + c),
        i.d!,
        (a, c) => a - c,
      );
      return ref.broadcast(s, i.d!, (a, c) => a / c);
    },
  },
  {
    name: "unsqueeze + concat with a reused input (fan-in summed)",
    inputs: { x: [2, 3, 2, 2], t: [2, 3] },
    build: (b, i) => {
      const e = unsqueeze(b, i.t!, [2, 3]);
      return concat(b, [i.x!, mul(b, i.x!, e), gelu(b, i.x!)], 1);
    },
    reference: (i) => {
      const e = { data: i.t!.data, shape: [2, 3, 1, 1] };
      return ref.concat1([i.x!, ref.broadcast(i.x!, e, (a, c) => a * c), ref.gelu(i.x!)]);
    },
  },
  {
    name: "relu, scale, flatten and reshape",
    inputs: { x: [2, 3, 2, 2] },
    build: (b, i) => reshape(b, flatten(b, scale(b, relu(b, i.x!), -1.5)), [4, 6]),
    reference: (i) => ({ data: ref.map(i.x!, (v) => -1.5 * Math.max(v, 0)).data, shape: [4, 6] }),
  },
  {
    name: "crossEntropyLoss",
    inputs: { logits: [3, 5], target: [3, 5] },
    isLoss: true,
    build: (b, i) => crossEntropyLoss(b, i.logits!, i.target!),
    reference: (i) => ({ data: Float64Array.of(ref.crossEntropy(i.logits!, i.target!)), shape: [] }),
  },
];

describe("op gradients vs float64 finite differences", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    expect(await check(c)).toBeLessThan(1e-4);
  });

  it("names the missing dependency when a parameter does not reach the loss", () => {
    const b = new GraphBuilder();
    const x = b.input("x", [2, 2]);
    const unused = b.input("unused", [2, 2]);
    const loss = mseLoss(b, gelu(b, x), b.input("target", [2, 2]));
    expect(() => backward(b, loss, [x, unused])).toThrow(/`unused`/);
  });
});

describe("README example", () => {
  it("builds, differentiates and runs a small graph", async () => {
    const b = new GraphBuilder();
    const x = b.input("x", [4, 3]);
    const loss = mseLoss(b, gelu(b, x), b.input("target", [4, 3]));
    const grads = backward(b, loss, [x]);
    b.output(loss, "loss");
    b.output(grads.get("x")!, "dx");
    const session = await runtime.createSession(serializeGraph(b));
    const xs = Float32Array.from({ length: 12 }, (_, i) => i / 4 - 1.5);
    const out = await session.run({
      x: runtime.tensor(xs, [4, 3]),
      target: runtime.tensor(new Float32Array(12), [4, 3]),
    });
    // d/dx mean(gelu(x)²) = 2·gelu(x)·gelu'(x)/12
    const expected = Array.from(xs, (v) => {
      const cdf = 0.5 * (1 + ref.erf(v / Math.SQRT2));
      const pdf = Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI);
      return (2 * v * cdf * (cdf + v * pdf)) / 12;
    });
    expect(relativeError(out.dx!.data as Float32Array, expected)).toBeLessThan(1e-5);
    await session.release();
  });
});

describe("GraphBuilder serialization", () => {
  it("writes string, int and ints attributes that ORT reads (DepthToSpace CRD)", async () => {
    const b = new GraphBuilder();
    const x = b.input("x", [1, 4, 1, 1]);
    b.output(b.node("DepthToSpace", [x], [1, 1, 2, 2], { blocksize: attrInt(2), mode: attrString("CRD") }), "y");
    const session = await runtime.createSession(serializeGraph(b));
    const out = await session.run({ x: runtime.tensor(Float32Array.of(1, 2, 3, 4), [1, 4, 1, 1]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    await session.release();
  });

  it("refuses a second value with the same name", () => {
    const b = new GraphBuilder();
    b.input("x", [1]);
    expect(() => b.input("x", [1])).toThrow(/`x` is already used/);
  });
});
