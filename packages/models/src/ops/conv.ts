/**
 * Conv2d and ConvTranspose2d with the efficient backward lowering measured in the prototype
 * (`shared/onnx-training-notes.md`):
 * - input gradient of a stride-1 Conv: a Conv with the flipped, transposed kernel (ORT's ConvTranspose is ~4× slower);
 *   stride > 1: ConvTranspose with `output_padding = (H + 2p − k) mod s`;
 * - filter gradients: patches via a depthwise Conv with one-hot kernels, then a batched MatMul and a ReduceSum over
 *   the batch (2.5× faster than a big-kernel Conv on transposed tensors).
 */
import { attrInt, attrInts, type GraphBuilder, type SymTensor } from "../graph/builder.js";
import { matmul, reduceSum, reshape, transpose } from "../graph/raw.js";

export interface ConvOptions {
  readonly stride: number;
  readonly pad: number;
}

function convOut(size: number, k: number, { stride, pad }: ConvOptions): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

/**
 * One-hot kernels [C·k², 1, k, k]: group c's output m picks kernel position (m / k, m mod k), or the mirrored
 * position (k² − 1 − m) when `flipped`.
 */
function oneHotKernels(b: GraphBuilder, channels: number, k: number, flipped = false): SymTensor {
  const kk = k * k;
  const data = new Float32Array(channels * kk * kk);
  for (let c = 0; c < channels; c++) {
    for (let m = 0; m < kk; m++) data[(c * kk + m) * kk + (flipped ? kk - 1 - m : m)] = 1;
  }
  return b.constant(data, [channels * kk, 1, k, k]);
}

/**
 * Patches P[n, c·k² + kh·k + kw, i, j] = x[n, c, i·s − p + kh, j·s − p + kw] (zero outside), as [N, C·k², Ho·Wo].
 */
function patches(b: GraphBuilder, x: SymTensor, k: number, opts: ConvOptions, flipped = false): SymTensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const ho = convOut(h, k, opts);
  const wo = convOut(w, k, opts);
  const p = b.node("Conv", [x, oneHotKernels(b, c, k, flipped)], [n, c * k * k, ho, wo], {
    group: attrInt(c),
    kernel_shape: attrInts([k, k]),
    strides: attrInts([opts.stride, opts.stride]),
    pads: attrInts([opts.pad, opts.pad, opts.pad, opts.pad]),
  });
  return reshape(b, p, [n, c * k * k, ho * wo]);
}

/** Σₙ A[n]·B[n]ᵀ for A: [N, M, L], Bsrc: [N, K, L] → [M, K]. */
function batchedOuterSum(b: GraphBuilder, a: SymTensor, bsrc: SymTensor): SymTensor {
  const bt = transpose(b, bsrc, [0, 2, 1]);
  return reduceSum(b, matmul(b, a, bt), [0], false);
}

/** PyTorch Conv2d: x [N, C, H, W], weight [O, C, k, k], bias [O]. */
export function conv2d(
  b: GraphBuilder,
  x: SymTensor,
  weight: SymTensor,
  bias: SymTensor | null,
  opts: ConvOptions,
): SymTensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [o, cw, k] = weight.shape as [number, number, number, number];
  if (cw !== c) throw new Error(`conv2d: input has ${c} channels, weight expects ${cw}`);
  const { stride, pad } = opts;
  const ho = convOut(h, k, opts);
  const wo = convOut(w, k, opts);
  const out = b.node("Conv", bias ? [x, weight, bias] : [x, weight], [n, o, ho, wo], {
    kernel_shape: attrInts([k, k]),
    strides: attrInts([stride, stride]),
    pads: attrInts([pad, pad, pad, pad]),
  });
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return b.record(inputs, out, (g) => {
    let dx: SymTensor;
    if (stride === 1) {
      // flip(transpose(W)) via Slice with steps −1 on the kernel axes; ends must be "before the start".
      const wt = transpose(b, weight, [1, 0, 2, 3]);
      const big = -(2 ** 62);
      const flipped = b.node(
        "Slice",
        [wt, b.ints([-1, -1]), b.ints([big, big]), b.ints([2, 3]), b.ints([-1, -1])],
        wt.shape,
      );
      const q = k - 1 - pad;
      dx = b.node("Conv", [g, flipped], x.shape, { kernel_shape: attrInts([k, k]), pads: attrInts([q, q, q, q]) });
    } else {
      const rh = (h + 2 * pad - k) % stride;
      const rw = (w + 2 * pad - k) % stride;
      dx = b.node("ConvTranspose", [g, weight], x.shape, {
        kernel_shape: attrInts([k, k]),
        strides: attrInts([stride, stride]),
        pads: attrInts([pad, pad, pad, pad]),
        output_padding: attrInts([rh, rw]),
      });
    }
    let dw: SymTensor;
    if (stride === 1 && 2 * pad === k - 1 && o < c) {
      // "Same" stride-1 conv with fewer outputs than inputs: take the k²× larger patches of g instead of x,
      // dW[o, c, a, q] = Σ x[n, c, i, j]·g[n, o, i + p − a, j + p − q] (mirrored kernel positions).
      const pg = patches(b, g, k, opts, true); // [N, O·k², H·W]
      const xr = reshape(b, x, [n, c, h * w]);
      const m = reshape(b, batchedOuterSum(b, pg, xr), [o, k * k, c]);
      dw = reshape(b, transpose(b, m, [0, 2, 1]), weight.shape);
    } else {
      // dW[o, c·k²+m] = Σₙ g[n, o, :]·P[n, c·k²+m, :]; transpose g (not the k² larger patches) for the MatMul.
      const gr = reshape(b, g, [n, o, ho * wo]);
      const dwT = batchedOuterSum(b, patches(b, x, k, opts), gr); // [C·k², O]
      dw = reshape(b, transpose(b, dwT, [1, 0]), weight.shape);
    }
    const grads: SymTensor[] = [dx, dw];
    if (bias) grads.push(reduceSum(b, g, [0, 2, 3], false));
    return grads;
  });
}

/** PyTorch ConvTranspose2d: x [N, Ci, H, W], weight [Ci, Co, k, k], bias [Co]; out = (H − 1)·s − 2p + k. */
export function convTranspose2d(
  b: GraphBuilder,
  x: SymTensor,
  weight: SymTensor,
  bias: SymTensor | null,
  opts: ConvOptions,
): SymTensor {
  const [n, ci, h, w] = x.shape as [number, number, number, number];
  const [cw, co, k] = weight.shape as [number, number, number, number];
  if (cw !== ci) throw new Error(`convTranspose2d: input has ${ci} channels, weight expects ${cw}`);
  const { stride, pad } = opts;
  const ho = (h - 1) * stride - 2 * pad + k;
  const wo = (w - 1) * stride - 2 * pad + k;
  if (h === 1 && w === 1 && pad === 0) return convTranspose1x1Input(b, x, weight, bias);
  const out = b.node("ConvTranspose", bias ? [x, weight, bias] : [x, weight], [n, co, ho, wo], {
    kernel_shape: attrInts([k, k]),
    strides: attrInts([stride, stride]),
    pads: attrInts([pad, pad, pad, pad]),
  });
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return b.record(inputs, out, (g) => {
    // The adjoint of a transposed conv is the conv with the same weight tensor.
    const dx = b.node("Conv", [g, weight], x.shape, {
      kernel_shape: attrInts([k, k]),
      strides: attrInts([stride, stride]),
      pads: attrInts([pad, pad, pad, pad]),
    });
    // dW[ci, co·k²+m] = Σₙ x[n, ci, :]·Pg[n, co·k²+m, :], patches of g on the input grid.
    const pg = patches(b, g, k, opts);
    const xr = reshape(b, x, [n, ci, h * w]);
    const dwT = batchedOuterSum(b, pg, xr); // [Co·k², Ci]
    const dw = reshape(b, transpose(b, dwT, [1, 0]), weight.shape);
    const grads: SymTensor[] = [dx, dw];
    if (bias) grads.push(reduceSum(b, g, [0, 2, 3], false));
    return grads;
  });
}

/**
 * A ConvTranspose2d of a 1×1 input without padding (the Unflatten layer, k7 s7) places one k×k block per input:
 * out[n, co, i, j] = Σ x[n, ci]·W[ci, co, i, j] + b[co], i.e. a [N, Ci]·[Ci, Co·k²] MatMul. ORT's ConvTranspose
 * and the patch-based filter gradient (a [N, Co·k², Ci] batched product summed over N) are far slower for it.
 */
function convTranspose1x1Input(b: GraphBuilder, x: SymTensor, weight: SymTensor, bias: SymTensor | null): SymTensor {
  const [n, ci] = x.shape as [number, number, number, number];
  const [, co, k] = weight.shape as [number, number, number, number];
  // Flatten and a −1 batch in the Reshape keep the exported inference graph batch-size free.
  const x2 = b.node("Flatten", [x], [n, ci], { axis: attrInt(1) });
  const w2 = reshape(b, weight, [ci, co * k * k]);
  let out = b.node("Reshape", [matmul(b, x2, w2), b.ints([-1, co, k, k])], [n, co, k, k]);
  if (bias) out = b.node("Add", [out, reshape(b, bias, [co, 1, 1])], out.shape);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return b.record(inputs, out, (g) => {
    const g2 = reshape(b, g, [n, co * k * k]);
    const dx = reshape(b, b.node("Gemm", [g2, w2], [n, ci], { transB: attrInt(1) }), x.shape);
    const dw = reshape(b, b.node("Gemm", [x2, g2], [ci, co * k * k], { transA: attrInt(1) }), weight.shape);
    const grads: SymTensor[] = [dx, dw];
    if (bias) grads.push(reduceSum(b, g, [0, 2, 3], false));
    return grads;
  });
}
