/**
 * The CS180 building blocks (spec §4.1) as functions over a NetContext, with PyTorch module names: a prefix `p`
 * names the module, e.g. `e1.down.conv.weight`. Conv/ConvTranspose/Linear layers have biases (PyTorch defaults).
 */
import type { SymTensor } from "../graph/builder.js";
import { conv2d, convTranspose2d } from "../ops/conv.js";
import { gelu, globalAvgPool, linear } from "../ops/elementwise.js";
import type { NetContext } from "./context.js";

export interface ConvShape {
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
}

/** nn.Conv2d(cin, cout, k, stride, pad) at `p`. Fan-in for PyTorch's init: cin·k². */
export function conv(ctx: NetContext, p: string, x: SymTensor, cout: number, { k, stride, pad }: ConvShape): SymTensor {
  const cin = x.shape[1]!;
  const fanIn = cin * k * k;
  const w = ctx.param(`${p}.weight`, [cout, cin, k, k], { kind: "uniform", fanIn });
  const bias = ctx.param(`${p}.bias`, [cout], { kind: "uniform", fanIn });
  return conv2d(ctx.b, x, w, bias, { stride, pad });
}

/** nn.ConvTranspose2d(cin, cout, k, stride, pad) at `p`. PyTorch's fan-in for its [cin, cout, k, k] weight: cout·k². */
export function convT(
  ctx: NetContext,
  p: string,
  x: SymTensor,
  cout: number,
  { k, stride, pad }: ConvShape,
): SymTensor {
  const cin = x.shape[1]!;
  const fanIn = cout * k * k;
  const w = ctx.param(`${p}.weight`, [cin, cout, k, k], { kind: "uniform", fanIn });
  const bias = ctx.param(`${p}.bias`, [cout], { kind: "uniform", fanIn });
  return convTranspose2d(ctx.b, x, w, bias, { stride, pad });
}

/** nn.Linear(fin, fout) at `p`. */
export function dense(ctx: NetContext, p: string, x: SymTensor, fout: number): SymTensor {
  const fin = x.shape[1]!;
  const w = ctx.param(`${p}.weight`, [fout, fin], { kind: "uniform", fanIn: fin });
  const bias = ctx.param(`${p}.bias`, [fout], { kind: "uniform", fanIn: fin });
  return linear(ctx.b, x, w, bias);
}

const K3S1: ConvShape = { k: 3, stride: 1, pad: 1 };
const K3S2: ConvShape = { k: 3, stride: 2, pad: 1 };
const K4S2: ConvShape = { k: 4, stride: 2, pad: 1 };

/** (1) Conv: Conv2d(k3, s1, p1) + BN + GELU; modules `conv`, `bn`. */
export const convLayer = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  ctx.batchNorm(`${p}.bn`, conv(ctx, `${p}.conv`, x, cout, K3S1), true);

/** (2) DownConv: Conv2d(k3, s2, p1) + BN + GELU. */
export const downConv = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  ctx.batchNorm(`${p}.bn`, conv(ctx, `${p}.conv`, x, cout, K3S2), true);

/** (3) UpConv: ConvTranspose2d(k4, s2, p1) + BN + GELU. */
export const upConv = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  ctx.batchNorm(`${p}.bn`, convT(ctx, `${p}.conv`, x, cout, K4S2), true);

/** (4) Flatten: AvgPool2d(7) + GELU, D×7×7 → D×1×1. */
export const flattenLayer = (ctx: NetContext, x: SymTensor) => gelu(ctx.b, globalAvgPool(ctx.b, x));

/** (5) Unflatten: ConvTranspose2d(k7, s7, p0) + BN + GELU, D×1×1 → D×7×7. */
export const unflattenLayer = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  ctx.batchNorm(`${p}.bn`, convT(ctx, `${p}.conv`, x, cout, { k: 7, stride: 7, pad: 0 }), true);

/** (7) ConvBlock: Conv(cin→cout), Conv(cout→cout); modules `conv1`, `conv2`. */
export const convBlock = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  convLayer(ctx, `${p}.conv2`, convLayer(ctx, `${p}.conv1`, x, cout), cout);

/** (8) DownBlock: DownConv then ConvBlock; modules `down`, `block`. */
export const downBlock = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  convBlock(ctx, `${p}.block`, downConv(ctx, `${p}.down`, x, cout), cout);

/** (9) UpBlock: UpConv then ConvBlock; modules `up`, `block`. */
export const upBlock = (ctx: NetContext, p: string, x: SymTensor, cout: number) =>
  convBlock(ctx, `${p}.block`, upConv(ctx, `${p}.up`, x, cout), cout);

/** (10) FCBlock: Linear + GELU, then Linear; modules `fc1`, `fc2`. */
export const fcBlock = (ctx: NetContext, p: string, x: SymTensor, fout: number) =>
  dense(ctx, `${p}.fc2`, gelu(ctx.b, dense(ctx, `${p}.fc1`, x, fout)), fout);
