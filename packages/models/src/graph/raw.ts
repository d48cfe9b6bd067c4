/**
 * Non-differentiable node emitters with shape inference. The differentiable ops in `ops/` and their gradient rules are
 * written with these (gradients are never differentiated again, so they need no tape entries).
 */
import { attrFloat, attrInt, attrInts, type GraphBuilder, type SymTensor } from "./builder.js";

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`cannot broadcast shapes [${a.join(", ")}] and [${b.join(", ")}]`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

type Binary = "Add" | "Sub" | "Mul" | "Div";

function binary(b: GraphBuilder, op: Binary, x: SymTensor, y: SymTensor | number): SymTensor {
  const yt = typeof y === "number" ? b.scalar(y) : y;
  return b.node(op, [x, yt], broadcastShapes(x.shape, yt.shape));
}

export const radd = (b: GraphBuilder, x: SymTensor, y: SymTensor | number) => binary(b, "Add", x, y);
export const rsub = (b: GraphBuilder, x: SymTensor, y: SymTensor | number) => binary(b, "Sub", x, y);
export const rmul = (b: GraphBuilder, x: SymTensor, y: SymTensor | number) => binary(b, "Mul", x, y);
export const rdiv = (b: GraphBuilder, x: SymTensor, y: SymTensor | number) => binary(b, "Div", x, y);

export function unary(b: GraphBuilder, op: string, x: SymTensor): SymTensor {
  return b.node(op, [x], x.shape);
}

function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** ReduceSum (opset 13+: axes are an input). */
export function reduceSum(b: GraphBuilder, x: SymTensor, axes: readonly number[], keepdims: boolean): SymTensor {
  return b.node("ReduceSum", [x, b.ints(axes)], reducedShape(x.shape, axes, keepdims), {
    keepdims: attrInt(keepdims ? 1 : 0),
  });
}

/** ReduceMean (opset 17: axes are an attribute; they become an input in opset 18). */
export function reduceMean(b: GraphBuilder, x: SymTensor, axes: readonly number[], keepdims: boolean): SymTensor {
  return b.node("ReduceMean", [x], reducedShape(x.shape, axes, keepdims), {
    axes: attrInts(axes),
    keepdims: attrInt(keepdims ? 1 : 0),
  });
}

export function reshape(b: GraphBuilder, x: SymTensor, shape: readonly number[]): SymTensor {
  const n = x.shape.reduce((p, q) => p * q, 1);
  const m = shape.reduce((p, q) => p * q, 1);
  if (n !== m) throw new Error(`cannot reshape [${x.shape.join(", ")}] to [${shape.join(", ")}]`);
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return b.node("Reshape", [x, b.ints(shape)], shape);
}

export function transpose(b: GraphBuilder, x: SymTensor, perm: readonly number[]): SymTensor {
  return b.node(
    "Transpose",
    [x],
    perm.map((p) => x.shape[p]!),
    { perm: attrInts(perm) },
  );
}

/** MatMul with numpy batching over leading dimensions (both operands of equal rank here). */
export function matmul(b: GraphBuilder, x: SymTensor, y: SymTensor): SymTensor {
  const r = x.shape.length;
  if (y.shape.length !== r || x.shape[r - 1] !== y.shape[r - 2]) {
    throw new Error(`MatMul shapes [${x.shape.join(", ")}] × [${y.shape.join(", ")}] do not match`);
  }
  const batch = broadcastShapes(x.shape.slice(0, r - 2), y.shape.slice(0, r - 2));
  return b.node("MatMul", [x, y], [...batch, x.shape[r - 2]!, y.shape[r - 1]!]);
}

/** Sums a list of same-shape gradient contributions. */
export function sumAll(b: GraphBuilder, terms: readonly SymTensor[]): SymTensor {
  if (terms.length === 0) throw new Error("sumAll of no terms");
  if (terms.length === 1) return terms[0]!;
  return b.node("Sum", terms, terms[0]!.shape);
}

/** Reduces a broadcast gradient back to `shape`: ReduceSum over the broadcast axes, then Reshape for a rank change. */
export function unbroadcast(b: GraphBuilder, g: SymTensor, shape: readonly number[]): SymTensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (i < lead || (target === 1 && d !== 1)) axes.push(i);
  });
  const summed = axes.length > 0 ? reduceSum(b, g, axes, true) : g;
  return reshape(b, summed, shape);
}

/** An all-zero float tensor of the given shape (an Expand of a scalar). */
export function zeros(b: GraphBuilder, shape: readonly number[]): SymTensor {
  return b.node("Expand", [b.scalar(0), b.ints(shape)], shape);
}

/**
 * u·scale + shift per channel (axis 1 of [N, C, ...]) in one pass: an inference-mode BatchNormalization with mean 0,
 * variance 1 and epsilon 0, since ORT fuses no multiply-add of broadcast operands. Numbers apply to every channel.
 */
export function channelAffine(
  b: GraphBuilder,
  u: SymTensor,
  scale: SymTensor | number,
  shift: SymTensor | number,
): SymTensor {
  const c = u.shape[1]!;
  const perChannel = (v: SymTensor | number) =>
    typeof v === "number" ? b.constant(new Float32Array(c).fill(v), [c]) : v;
  const zero = b.constant(new Float32Array(c), [c]);
  const one = b.constant(new Float32Array(c).fill(1), [c]);
  return b.node("BatchNormalization", [u, perChannel(scale), perChannel(shift), zero, one], u.shape, {
    epsilon: attrFloat(0),
  });
}
