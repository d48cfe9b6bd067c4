/**
 * The error codes the API answers with, a subset of tRPC's so that the upload route and the tRPC procedures speak
 * the same language. Messages start with the field they are about.
 */
export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR";

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** For TOO_MANY_REQUESTS: when to try again. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Whether `e` is an ApiError. Checked by shape, not `instanceof`: Next bundles the instrumentation hook (which
 * creates the services) and each route separately, so one process can hold two copies of the class.
 */
export function isApiError(e: unknown): e is ApiError {
  return e instanceof Error && e.name === "ApiError" && typeof (e as { code?: unknown }).code === "string";
}
