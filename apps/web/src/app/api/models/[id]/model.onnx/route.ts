import fs from "node:fs/promises";
import { mayRead } from "@/server/auth";
import { handled } from "@/server/http";
import { getServices } from "@/server/services";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

/**
 * The ONNX file of a model that declares it runs in browsers (`ModelInfo.browser`), for "Run in this browser". The
 * SHA-256 is the ETag and the file is cached for good: a changed model has another hash, and the page checks it.
 */
export const GET = handled("model file", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { env, models } = await getServices();
  if (!mayRead(env, req.headers)) throw new ApiError("UNAUTHORIZED", "token: this portal needs the team token (sign in)");
  const { id } = await ctx.params;
  const model = await models.get(id);
  if (!model) throw new ApiError("NOT_FOUND", `modelId: unknown model '${id}'`);
  const browser = model.info.browser;
  if (!browser || model.format !== "cs180-onnx") {
    throw new ApiError("NOT_FOUND", `modelId: model '${id}' is not offered for browser inference`);
  }
  const etag = `"${browser.sha256}"`;
  const headers = {
    etag,
    "cache-control": "private, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
  };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  const bytes = await fs.readFile(model.file);
  return new Response(new Uint8Array(bytes), {
    headers: { ...headers, "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) },
  });
});
