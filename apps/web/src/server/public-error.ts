import "server-only";
import { randomBytes } from "node:crypto";
import { ApiError, isApiError } from "@/shared/errors";

/**
 * The one place that decides what a client learns about a failure. Typed ApiErrors are for clients and pass through;
 * storage failures become a clear 507/503; anything else is logged here with a short id and the client gets only the
 * id, never SQL, a stack, a path or an errno.
 */
export function publicError(err: unknown, where = "request"): ApiError {
  if (isApiError(err)) return err;
  const storage = storageError(err);
  if (storage) {
    console.error(`${where}: ${storage.message} (${summary(err)})`);
    return storage;
  }
  const id = randomBytes(4).toString("hex");
  console.error(`${where} failed [error ${id}]:`, err);
  return new ApiError("INTERNAL_SERVER_ERROR", `internal error (id ${id})`);
}

/** errno codes (Node) and SQLSTATEs (PostgreSQL) that mean the disk is full. */
const FULL = new Set(["ENOSPC", "EDQUOT", "53100"]);
/** errno codes that mean the data directory cannot be written. */
const NOT_WRITABLE = new Set(["EROFS", "EACCES", "EPERM"]);

/** The storage answer for a full or unwritable disk anywhere in `err`'s cause chain, else undefined. */
export function storageError(err: unknown): ApiError | undefined {
  for (let e = err, depth = 0; e instanceof Object && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    if (FULL.has(code)) return new ApiError("INSUFFICIENT_STORAGE", "storage: full; free disk space and try again");
    if (NOT_WRITABLE.has(code))
      return new ApiError("SERVICE_UNAVAILABLE", "storage: the data directory is not writable");
  }
  return undefined;
}

function summary(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
