import "server-only";
import { HTTP_STATUS } from "@/shared/errors";
import { publicError } from "./public-error";

/** The JSON error body of the non-tRPC routes, shaped like tRPC's so clients read both the same way. */
export function errorResponse(err: unknown, where = "route"): Response {
  const api = publicError(err, where);
  return Response.json(
    { error: { code: api.code, message: api.message } },
    { status: HTTP_STATUS[api.code], headers: api.retryAfterS ? { "retry-after": String(api.retryAfterS) } : {} },
  );
}

/** Wraps a route handler so that whatever it throws is answered by `errorResponse`, never by a bare 500. */
export function handled<A extends unknown[]>(
  where: string,
  handler: (...args: A) => Promise<Response>,
): (...args: A) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (err) {
      return errorResponse(err, where);
    }
  };
}
