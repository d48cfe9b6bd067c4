/**
 * IDX files (the MNIST container, http://yann.lecun.com/exdb/mnist/): a big-endian header — two zero bytes, a type
 * byte, the number of dimensions — then one uint32 size per dimension, then the items. MNIST only uses unsigned
 * bytes (type 0x08), so that is all we accept.
 */

/** Magic number of an IDX file of unsigned bytes with 3 dimensions (images: count × rows × cols). */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of unsigned bytes with 1 dimension (labels: count). */
export const IDX_LABELS_MAGIC = 2049;

export interface IdxFile {
  readonly magic: number;
  /** The sizes of every dimension, the first one being the item count. */
  readonly dims: readonly number[];
  /** The items, in file order, without the header. A view into the input buffer (no copy). */
  readonly data: Uint8Array;
}

/** A corrupt or unexpected IDX file. `file` names it so the message tells the user which one to replace. */
export class IdxFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "IdxFormatError";
  }
}

export interface IdxExpectation {
  /** Name shown in errors (usually the path). */
  readonly file: string;
  readonly magic: typeof IDX_IMAGES_MAGIC | typeof IDX_LABELS_MAGIC;
  /** Required item count, when known. */
  readonly count?: number;
  /** Required sizes of the dimensions after the count (e.g. [28, 28]). */
  readonly itemDims?: readonly number[];
}

/** Parses and validates an IDX file of unsigned bytes. Every mismatch is an `IdxFormatError` naming the file. */
export function parseIdx(bytes: Uint8Array, expected: IdxExpectation): IdxFile {
  const { file } = expected;
  if (bytes.byteLength < 8) {
    throw new IdxFormatError(file, `only ${bytes.byteLength} bytes; an IDX header needs at least 8`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expected.magic) {
    throw new IdxFormatError(
      file,
      `magic number is ${magic} (0x${magic.toString(16).padStart(8, "0")}), expected ${expected.magic}` +
        ` (${expected.magic === IDX_IMAGES_MAGIC ? "images: unsigned bytes, 3 dimensions" : "labels: unsigned bytes, 1 dimension"})`,
    );
  }
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    throw new IdxFormatError(
      file,
      `truncated header: ${bytes.byteLength} bytes, the ${rank} sizes need ${headerBytes}`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims[0]!;
  if (expected.count !== undefined && count !== expected.count) {
    throw new IdxFormatError(file, `item count is ${count}, expected ${expected.count}`);
  }
  if (expected.itemDims) {
    const itemDims = dims.slice(1);
    if (itemDims.length !== expected.itemDims.length || itemDims.some((d, i) => d !== expected.itemDims![i])) {
      throw new IdxFormatError(file, `item size is ${itemDims.join("×")}, expected ${expected.itemDims.join("×")}`);
    }
  }
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + count * itemBytes;
  if (bytes.byteLength !== expectedBytes) {
    const shape = dims.join("×");
    throw new IdxFormatError(
      file,
      `file size is ${bytes.byteLength} bytes, but a ${shape} header needs ${headerBytes} + ${count}×${itemBytes} = ${expectedBytes}` +
        (bytes.byteLength < expectedBytes ? " (truncated)" : " (trailing bytes)"),
    );
  }
  return { magic, dims, data: bytes.subarray(headerBytes) };
}
