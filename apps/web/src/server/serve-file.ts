import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { resolveInside } from "./data-dir";

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** Serves one file from `root` by client-supplied path segments; anything outside `root` or of another type is 404. */
export async function serveFile(root: string, parts: string[], cache: "immutable" | "revalidate"): Promise<Response> {
  const file = await resolveInside(root, parts.join("/"));
  const type = file ? TYPES[path.extname(file)] : undefined;
  if (!file || !type) return new Response("not found", { status: 404 });
  try {
    const body = await fs.readFile(file);
    return new Response(body, {
      headers: {
        "content-type": type,
        "cache-control": cache === "immutable" ? "private, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
        // SVGs from a run are images, never documents that run scripts.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
}
