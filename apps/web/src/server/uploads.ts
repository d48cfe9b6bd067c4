import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp, { type Metadata } from "sharp";
import { ApiError } from "@/shared/errors";
import { writeFileAtomic } from "./atomic-write";

/** Formats sharp decodes that we accept from browsers. */
const ACCEPTED = new Set(["png", "jpeg", "webp", "gif", "avif", "tiff"]);
/** Edge length above which an upload is refused: the models work at 28–256 px, so bigger is a mistake. */
export const MAX_EDGE = 4096;

export interface DecodedUpload {
  readonly id: string;
  /** Relative to the artifacts directory. */
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  readonly bytes: number;
}

/**
 * Decodes an uploaded file with a real image decoder and stores it as PNG. Anything that is not a supported image
 * (including a truncated or disguised one) is refused with a typed error.
 */
export async function storeUpload(
  artifactsDir: string,
  data: Buffer,
  write: (file: string, data: Uint8Array) => Promise<void> = writeFileAtomic,
): Promise<DecodedUpload> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: MAX_EDGE * MAX_EDGE }).metadata();
  } catch {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "file: not an image we can decode (use PNG, JPEG, WebP or GIF)");
  }
  if (!meta.format || !ACCEPTED.has(meta.format) || !meta.width || !meta.height) {
    throw new ApiError(
      "UNSUPPORTED_MEDIA_TYPE",
      `file: format '${meta.format ?? "unknown"}' is not accepted (PNG, JPEG, WebP, GIF)`,
    );
  }
  if (meta.width > MAX_EDGE || meta.height > MAX_EDGE) {
    throw new ApiError("BAD_REQUEST", `file: ${meta.width}×${meta.height} is larger than ${MAX_EDGE}×${MAX_EDGE}`);
  }
  let png: Buffer;
  try {
    // Decode fully (catches truncated files) and drop metadata; keep alpha so masks survive.
    png = await sharp(data, { limitInputPixels: MAX_EDGE * MAX_EDGE })
      .rotate()
      .png()
      .toBuffer();
  } catch {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "file: the image is damaged and could not be decoded");
  }
  const id = randomUUID();
  const rel = path.join("uploads", `${id}.png`);
  await fs.mkdir(path.join(artifactsDir, "uploads"), { recursive: true });
  await write(path.join(artifactsDir, rel), png);
  return { id, path: rel, width: meta.width, height: meta.height, format: meta.format, bytes: data.length };
}

/** Content types a browser or script may send an image as. `text/plain` and form encodings, which any page can send
 * cross-site without asking, are refused; so is a missing type. */
const IMAGE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/gif",
  "image/avif",
  "image/tiff",
  "application/octet-stream",
]);

/** Refuses an upload whose declared type is not an image (the decoder still checks what the bytes really are). */
export function checkUploadType(contentType: string | null): void {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!IMAGE_TYPES.has(type)) {
    throw new ApiError(
      "UNSUPPORTED_MEDIA_TYPE",
      `file: not an image we can decode (its type is '${type.slice(0, 60) || "missing"}'; send PNG, JPEG, WebP or GIF as image/…)`,
    );
  }
}

/**
 * Reads a request body, refusing it as soon as it grows past `limit` bytes so that a 50 MB upload never sits in
 * memory whole. `field` names the body in messages.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  field = "file",
): Promise<Buffer> {
  if (!body) throw new ApiError("BAD_REQUEST", `${field}: the request has no body`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit, field);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function tooLarge(limit: number, field = "file"): ApiError {
  const what = field === "file" ? "the upload limit" : "the limit";
  return new ApiError("PAYLOAD_TOO_LARGE", `${field}: larger than ${what} of ${formatBytes(limit)}`);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(0)} MB` : `${(n / 1024).toFixed(0)} KB`;
}
