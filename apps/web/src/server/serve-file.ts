import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { ApiError } from "@/shared/errors";
import { resolveInside } from "./data-dir";

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** Serves one file from `root` by client-supplied path segments; anything outside `root` or of another type is a 404. */
export async function serveFile(root: string, parts: string[], cache: "immutable" | "revalidate"): Promise<Response> {
  const file = await resolveInside(root, parts.join("/"));
  const type = file ? TYPES[path.extname(file)] : undefined;
  if (!file || !type) throw notFound();
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    throw notFound();
  }
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type": type,
      "cache-control": cache === "immutable" ? "private, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
      // SVGs from a run are images, never documents that run scripts.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
}

const notFound = () => new ApiError("NOT_FOUND", "path: no such file");
