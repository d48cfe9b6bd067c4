/** Broadcasting arithmetic, GELU and shape ops, each with its gradient rule next to it. */
import type { GraphBuilder, SymTensor } from "../graph/builder.js";
import { attrInt } from "../graph/builder.js";
import { channelAffine, radd, reshape as rawReshape, rdiv, rmul, rsub, unary, unbroadcast } from "../graph/raw.js";

export function add(b: GraphBuilder, x: SymTensor, y: SymTensor): SymTensor {
  const out = radd(b, x, y);
  return b.record([x, y], out, (g) => [unbroadcast(b, g, x.shape), unbroadcast(b, g, y.shape)]);
}

export function sub(b: GraphBuilder, x: SymTensor, y: SymTensor): SymTensor {
  const out = rsub(b, x, y);
  return b.record([x, y], out, (g) => [unbroadcast(b, g, x.shape), unbroadcast(b, unary(b, "Neg", g), y.shape)]);
}

export function mul(b: GraphBuilder, x: SymTensor, y: SymTensor): SymTensor {
  const out = rmul(b, x, y);
  return b.record([x, y], out, (g) => [unbroadcast(b, rmul(b, g, y), x.shape), unbroadcast(b, rmul(b, g, x), y.shape)]);
}

export function div(b: GraphBuilder, x: SymTensor, y: SymTensor): SymTensor {
  const out = rdiv(b, x, y);
  return b.record([x, y], out, (g) => {
    const gx = rdiv(b, g, y);
    // d(x/y)/dy = −(x/y)/y, so gy = −(g/y)·out
    const gy = unary(b, "Neg", rmul(b, gx, out));
    return [unbroadcast(b, gx, x.shape), unbroadcast(b, gy, y.shape)];
  });
}

/** Multiplies by a constant. */
export function scale(b: GraphBuilder, x: SymTensor, factor: number): SymTensor {
  const out = rmul(b, x, factor);
  return b.record([x], out, (g) => [rmul(b, g, factor)]);
}

/** Exact GELU, x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)) (PyTorch's default `approximate="none"`). */
export function gelu(b: GraphBuilder, x: SymTensor): SymTensor {
  const scaled = rmul(b, x, Math.SQRT1_2);
  const cdf = channelAffine(b, unary(b, "Erf", scaled), 0.5, 0.5);
  const out = rmul(b, x, cdf);
  return b.record([x], out, (g) => {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = exp(−x²/2 − ln√(2π)) and x²/2 = scaled²
    const pdf = unary(b, "Exp", channelAffine(b, rmul(b, scaled, scaled), -1, -0.5 * Math.log(2 * Math.PI)));
    return [rmul(b, g, radd(b, cdf, rmul(b, x, pdf)))];
  });
}

export function relu(b: GraphBuilder, x: SymTensor): SymTensor {
  const out = unary(b, "Relu", x);
  return b.record([x], out, (g) => {
    const positive = b.node("Greater", [x, b.scalar(0)], x.shape, {}, "float32");
    const mask = b.node("Cast", [positive], x.shape, { to: attrInt(1) });
    return [rmul(b, g, mask)];
  });
}

export function reshape(b: GraphBuilder, x: SymTensor, shape: readonly number[]): SymTensor {
  const out = rawReshape(b, x, shape);
  if (out === x) return x;
  return b.record([x], out, (g) => [rawReshape(b, g, x.shape)]);
}

/** Inserts size-1 axes (batch-size free, unlike a Reshape): [B, C] → [B, C, 1, 1] with axes [2, 3]. */
export function unsqueeze(b: GraphBuilder, x: SymTensor, axes: readonly number[]): SymTensor {
  const shape = [...x.shape];
  for (const a of [...axes].sort((p, q) => p - q)) shape.splice(a, 0, 1);
  const out = b.node("Unsqueeze", [x, b.ints(axes)], shape);
  return b.record([x], out, (g) => [rawReshape(b, g, x.shape)]);
}

/** Concatenation along `axis`; the gradient is a Split with the input sizes. */
export function concat(b: GraphBuilder, xs: readonly SymTensor[], axis: number): SymTensor {
  const first = xs[0];
  if (!first) throw new Error("concat needs at least one tensor");
  const sizes = xs.map((x) => x.shape[axis]!);
  const shape = [...first.shape];
  shape[axis] = sizes.reduce((p, q) => p + q, 0);
  const out = b.node("Concat", xs, shape, { axis: attrInt(axis) });
  return b.record(xs, out, (g) =>
    b.nodeMulti(
      "Split",
      [g, b.ints(sizes)],
      xs.map((x) => x.shape),
      { axis: attrInt(axis) },
    ),
  );
}

/** Average over H and W: [N, C, H, W] → [N, C, 1, 1] (AvgPool2d(7) on a 7×7 map). */
export function globalAvgPool(b: GraphBuilder, x: SymTensor): SymTensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out = b.node("GlobalAveragePool", [x], [n, c, 1, 1]);
  return b.record([x], out, (g) => [b.node("Expand", [rmul(b, g, 1 / (h * w)), b.ints(x.shape)], x.shape)]);
}

/** Linear layer y = x·Wᵀ + b (PyTorch layout W: [out, in]) as Gemm(transB=1). */
export function linear(b: GraphBuilder, x: SymTensor, weight: SymTensor, bias: SymTensor): SymTensor {
  const [n] = x.shape as [number, number];
  const [fout] = weight.shape as [number, number];
  const out = b.node("Gemm", [x, weight, bias], [n, fout], { transB: attrInt(1) });
  return b.record([x, weight, bias], out, (g) => [
    b.node("MatMul", [g, weight], x.shape),
    b.node("Gemm", [g, x], weight.shape, { transA: attrInt(1) }),
    b.node("ReduceSum", [g, b.ints([0])], bias.shape, { keepdims: attrInt(0) }),
  ]);
}

/** [N, ...] → [N, rest] (ONNX Flatten with axis 1, batch-size free). */
export function flatten(b: GraphBuilder, x: SymTensor): SymTensor {
  const rest = x.shape.slice(1).reduce((p, q) => p * q, 1);
  const out = b.node("Flatten", [x], [x.shape[0]!, rest], { axis: attrInt(1) });
  return b.record([x], out, (g) => [rawReshape(b, g, x.shape)]);
}
