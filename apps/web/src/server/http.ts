import "server-only";
import { ApiError, HTTP_STATUS, isApiError } from "@/shared/errors";

/** The JSON error body of the non-tRPC routes, shaped like tRPC's so clients read both the same way. */
export function errorResponse(err: unknown): Response {
  const api = isApiError(err) ? err : new ApiError("INTERNAL_SERVER_ERROR", "internal error");
  if (!isApiError(err)) console.error(err);
  return Response.json(
    { error: { code: api.code, message: api.message } },
    { status: HTTP_STATUS[api.code], headers: api.retryAfterS ? { "retry-after": String(api.retryAfterS) } : {} },
  );
}
