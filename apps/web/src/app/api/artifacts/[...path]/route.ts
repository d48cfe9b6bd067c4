import fs from "node:fs/promises";
import path from "node:path";
import { resolveInside } from "@/server/data-dir";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".gif": "image/gif",
  ".json": "application/json",
  ".jsonl": "application/x-ndjson",
};

/** Serves generated images and uploads; paths are confined to the artifacts directory. */
export async function GET(_req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { dataDir } = await getServices();
  const parts = (await ctx.params).path;
  const file = await resolveInside(dataDir.artifacts, parts.join("/"));
  const type = file ? TYPES[path.extname(file)] : undefined;
  if (!file || !type) return new Response("not found", { status: 404 });
  try {
    const body = await fs.readFile(file);
    return new Response(body, {
      headers: {
        "content-type": type,
        // Artifacts never change once written (a re-run gets a new id).
        "cache-control": "private, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
}
