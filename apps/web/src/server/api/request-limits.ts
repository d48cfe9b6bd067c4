import "server-only";
import { API_LIMITS } from "@/shared/api-limits";
import { ApiError } from "@/shared/errors";
import { readLimited, tooLarge } from "../uploads";

/**
 * Applies the endpoint's limits before tRPC sees a request: too many batched calls or too big a body is a 413,
 * decided from the URL and Content-Length where possible, else while streaming the body (never more than the limit
 * in memory). Returns the request with its body read.
 */
export async function withinLimits(req: Request, limits = API_LIMITS): Promise<Request> {
  const url = new URL(req.url);
  if (url.searchParams.get("batch") === "1") {
    const calls = url.pathname.slice(url.pathname.lastIndexOf("/") + 1).split(",").length;
    if (calls > limits.batch)
      throw new ApiError("PAYLOAD_TOO_LARGE", `batch: at most ${limits.batch} calls per request (got ${calls})`);
  }
  if (req.method !== "POST" || !req.body) return req;
  if (Number(req.headers.get("content-length") ?? "0") > limits.bodyBytes) throw tooLarge(limits.bodyBytes, "body");
  const body = await readLimited(req.body, limits.bodyBytes, "body");
  return new Request(req, { body: new Uint8Array(body) });
}
