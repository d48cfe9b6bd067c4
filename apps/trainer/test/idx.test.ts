import { describe, expect, it } from "vitest";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxFormatError, parseIdx } from "../src/data/idx.js";
import { decodeMnist } from "../src/data/mnist.js";

/** Builds an IDX buffer: the magic, the sizes, then `body` (or zeros of the size the header implies). */
function idx(magic: number, dims: number[], body?: Uint8Array): Uint8Array {
  const rank = magic & 0xff;
  const header = new Uint8Array(4 + 4 * rank);
  const view = new DataView(header.buffer);
  view.setUint32(0, magic, false);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
  const items = body ?? new Uint8Array(dims.reduce((a, b) => a * b, 1));
  const out = new Uint8Array(header.length + items.length);
  out.set(header);
  out.set(items, header.length);
  return out;
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IdxFormatError);
    return (error as Error).message;
  }
  throw new Error("expected an IdxFormatError");
}

describe("parseIdx", () => {
  it("reads a valid image file: dims and items after the header", () => {
    const body = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const parsed = parseIdx(idx(IDX_IMAGES_MAGIC, [2, 3, 4], body), { file: "x", magic: IDX_IMAGES_MAGIC });
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(Array.from(body));
  });

  it("names the file and the wrong magic number", () => {
    const bytes = idx(IDX_LABELS_MAGIC, [5]);
    expect(problemOf(() => parseIdx(bytes, { file: "imgs.idx", magic: IDX_IMAGES_MAGIC }))).toMatch(
      /^imgs\.idx: magic number is 2049 .*expected 2051/,
    );
  });

  it("rejects a buffer too short for a header", () => {
    expect(problemOf(() => parseIdx(new Uint8Array(3), { file: "f", magic: IDX_LABELS_MAGIC }))).toMatch(
      /only 3 bytes/,
    );
  });

  it("rejects a truncated header", () => {
    const bytes = idx(IDX_IMAGES_MAGIC, [1, 28, 28]).subarray(0, 10);
    expect(problemOf(() => parseIdx(bytes, { file: "f", magic: IDX_IMAGES_MAGIC }))).toMatch(/truncated header/);
  });

  it("rejects truncated items and trailing bytes, giving the expected size", () => {
    const full = idx(IDX_IMAGES_MAGIC, [3, 28, 28]);
    expect(problemOf(() => parseIdx(full.subarray(0, full.length - 1), { file: "f", magic: IDX_IMAGES_MAGIC }))).toBe(
      "f: file size is 2367 bytes, but a 3×28×28 header needs 16 + 3×784 = 2368 (truncated)",
    );
    const longer = new Uint8Array(full.length + 5);
    longer.set(full);
    expect(problemOf(() => parseIdx(longer, { file: "f", magic: IDX_IMAGES_MAGIC }))).toMatch(/trailing bytes/);
  });

  it("checks the expected count and item dims", () => {
    const bytes = idx(IDX_IMAGES_MAGIC, [2, 27, 28]);
    expect(problemOf(() => parseIdx(bytes, { file: "f", magic: IDX_IMAGES_MAGIC, count: 3 }))).toMatch(
      /item count is 2, expected 3/,
    );
    expect(problemOf(() => parseIdx(bytes, { file: "f", magic: IDX_IMAGES_MAGIC, itemDims: [28, 28] }))).toMatch(
      /item size is 27×28, expected 28×28/,
    );
  });
});

describe("decodeMnist on corrupt buffers", () => {
  const images = idx(IDX_IMAGES_MAGIC, [10000, 28, 28]);

  it("names the labels file when a label is out of range", () => {
    const body = new Uint8Array(10000);
    body[42] = 11;
    const labels = idx(IDX_LABELS_MAGIC, [10000], body);
    expect(problemOf(() => decodeMnist("test", images, labels))).toBe(
      "t10k-labels-idx1-ubyte: label #42 is 11, labels must be 0–9",
    );
  });

  it("names the images file when its count is not the split's", () => {
    const labels = idx(IDX_LABELS_MAGIC, [10000]);
    expect(problemOf(() => decodeMnist("train", images, labels))).toMatch(
      /^train-images-idx3-ubyte: item count is 10000, expected 60000/,
    );
  });

  it("scales pixels to [0, 1]", () => {
    const body = new Uint8Array(10000 * 784);
    body[0] = 255;
    body[1] = 51;
    const data = decodeMnist("test", idx(IDX_IMAGES_MAGIC, [10000, 28, 28], body), idx(IDX_LABELS_MAGIC, [10000]));
    expect(data.images[0]).toBe(1);
    expect(data.images[1]).toBeCloseTo(0.2, 7);
    expect(data.images[2]).toBe(0);
  });
});
