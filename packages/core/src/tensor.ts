/** A batch of images: float32 values in NCHW order. The only tensor type the samplers need. */
export interface ImageBatch {
  readonly data: Float32Array;
  /** [batch, channels, height, width] */
  readonly shape: readonly [number, number, number, number];
}

export type Shape = readonly [number, number, number, number];

/** The most values one batch may hold: 2^28 float32s (1 GiB), far beyond any model here; more is a mistaken shape. */
export const MAX_BATCH_VALUES = 2 ** 28;

/** Makes a batch; without `data` it is all zeros. */
export function imageBatch(shape: Shape, data?: Float32Array): ImageBatch {
  // (errors.ts has the general checks but imports this module's types; these stay local to keep the graph acyclic.)
  if (shape?.length !== 4 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`\`shape\` must be [B, C, H, W] of non-negative integers (got [${shape?.join(", ")}])`);
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (size > MAX_BATCH_VALUES) {
    throw new RangeError(
      `\`shape\` [${shape.join(", ")}] holds ${size} values; a batch may hold at most ${MAX_BATCH_VALUES} (1 GiB)`,
    );
  }
  if (data && data.length !== size) {
    throw new RangeError(`\`data\` length ${data.length} does not match shape [${shape.join(", ")}] (${size})`);
  }
  return { shape: [shape[0], shape[1], shape[2], shape[3]], data: data ?? new Float32Array(size) };
}

/** Elements per batch item (C·H·W). */
export function itemSize(batch: ImageBatch): number {
  return batch.shape[1] * batch.shape[2] * batch.shape[3];
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** A deep copy. */
export function cloneBatch(batch: ImageBatch): ImageBatch {
  return imageBatch(batch.shape, batch.data.slice());
}

/** Items [start, start + count) of a batch, copied. */
export function sliceBatch(batch: ImageBatch, start: number, count: number): ImageBatch {
  const items = batch.shape[0];
  if (!Number.isInteger(start) || start < 0 || start > items) {
    throw new RangeError(`\`start\` must be an integer in [0, ${items}] (got ${start})`);
  }
  if (!Number.isInteger(count) || count < 0 || start + count > items) {
    throw new RangeError(`\`count\` must be an integer in [0, ${items - start}] (got ${count})`);
  }
  const n = itemSize(batch);
  return imageBatch(
    [count, batch.shape[1], batch.shape[2], batch.shape[3]],
    batch.data.slice(start * n, (start + count) * n),
  );
}

/** Stacks batches with equal C, H, W along the batch axis. */
export function concatBatches(batches: readonly ImageBatch[]): ImageBatch {
  const first = batches[0];
  if (!first) throw new RangeError("`batches` must contain at least one batch");
  const [, c, h, w] = first.shape;
  let total = 0;
  for (const b of batches) {
    if (b.shape[1] !== c || b.shape[2] !== h || b.shape[3] !== w) {
      throw new RangeError(`cannot concatenate shape [${b.shape.join(", ")}] with [${first.shape.join(", ")}]`);
    }
    total += b.shape[0];
  }
  const out = imageBatch([total, c, h, w]);
  let offset = 0;
  for (const b of batches) {
    out.data.set(b.data, offset);
    offset += b.data.length;
  }
  return out;
}

/** Repeats each item of a batch `times` times in place order: [a, b] × 2 → [a, b, a, b]. */
export function tileBatch(batch: ImageBatch, times: number): ImageBatch {
  const most = Math.floor(MAX_BATCH_VALUES / Math.max(1, batch.data.length));
  if (!Number.isInteger(times) || times < 1 || times > most) {
    throw new RangeError(`\`times\` must be an integer in [1, ${most}] (got ${times})`);
  }
  return concatBatches(Array.from({ length: times }, () => batch));
}

function requireSameShape(name: string, batch: ImageBatch, like: ImageBatch): void {
  if (!sameShape(batch.shape, like.shape)) {
    throw new RangeError(`\`${name}\` must have shape [${like.shape.join(", ")}] (got [${batch.shape.join(", ")}])`);
  }
}

/** Element-wise a·x + b·y (float64 arithmetic, one rounding to float32). */
export function axpby(a: number, x: ImageBatch, b: number, y: ImageBatch): ImageBatch {
  requireSameShape("y", y, x);
  const out = imageBatch(x.shape);
  const xd = x.data;
  const yd = y.data;
  const od = out.data;
  for (let i = 0; i < od.length; i++) od[i] = a * xd[i]! + b * yd[i]!;
  return out;
}

/** Per-element where: mask 1 takes `a`, mask 0 takes `b` (fractional masks blend). Mask broadcasts over B and C. */
export function blend(mask: ImageBatch, a: ImageBatch, b: ImageBatch): ImageBatch {
  requireSameShape("b", b, a);
  const [bs, c, h, w] = a.shape;
  const [mb, mc, mh, mw] = mask.shape;
  if ((mb !== 1 && mb !== bs) || (mc !== 1 && mc !== c) || mh !== h || mw !== w) {
    throw new RangeError(`\`mask\` shape must be [1 or ${bs}, 1 or ${c}, ${h}, ${w}] (got [${mask.shape.join(", ")}])`);
  }
  const hw = h * w;
  const out = imageBatch(a.shape);
  for (let n = 0; n < bs; n++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (n * c + ch) * hw;
      const mbase = ((mb === 1 ? 0 : n) * mc + (mc === 1 ? 0 : ch)) * hw;
      for (let i = 0; i < hw; i++) {
        const m = mask.data[mbase + i]!;
        out.data[base + i] =
          m === 1
            ? a.data[base + i]!
            : m === 0
              ? b.data[base + i]!
              : m * a.data[base + i]! + (1 - m) * b.data[base + i]!;
      }
    }
  }
  return out;
}
