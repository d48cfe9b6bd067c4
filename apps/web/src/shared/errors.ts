/**
 * The error codes the API answers with, a subset of tRPC's so that the upload route and the tRPC procedures speak
 * the same language. Messages start with the field they are about.
 */
export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  /** The request's Host is not one this portal serves (DNS rebinding); HTTP 421. */
  | "MISDIRECTED_REQUEST"
  | "NOT_FOUND"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR"
  /** The data directory's disk is full (HTTP 507). */
  | "INSUFFICIENT_STORAGE"
  /** The data directory cannot be written (read-only, permissions); HTTP 503. */
  | "SERVICE_UNAVAILABLE";

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MISDIRECTED_REQUEST: 421,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  INSUFFICIENT_STORAGE: 507,
  SERVICE_UNAVAILABLE: 503,
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

/** A message that starts with a field name: `steps: …`, `upscale.steps: …`, `parts.0.prompt: …`. */
const FIELD_PREFIX = /^[A-Za-z_][\w.[\]-]*: /;

/** `message` as it is when it already names its field, else prefixed with `field` (or `input` for the whole). */
export function fieldMessage(field: string, message: string): string {
  return FIELD_PREFIX.test(message) ? message : `${field || "input"}: ${message}`;
}
