import { ApiError } from "@/shared/errors";
import { isLoopback } from "./binding";

/**
 * Checks every request makes before it reaches a page or route, against hostile web pages:
 * - DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 reaches a loopback portal with
 *   `Host: evil.example`; a loopback portal answers only its own names (plus ALLOWED_HOSTS).
 * - Cross-site requests: a page elsewhere may POST to the portal (a form, or fetch without preflight); a mutation is
 *   refused when the browser says it came from another origin. Clients that are not browsers send neither header.
 */
export interface GuardOptions {
  /** The portal is reachable from other machines (then the team token guards it and any Host is accepted). */
  readonly exposed: boolean;
  /** The port the portal listens on, when known. */
  readonly port?: string;
  /** Extra host names (with or without port) to accept, e.g. a reverse proxy's name. */
  readonly allowedHosts: readonly string[];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function guardRequest(req: { method: string; headers: Headers }, opts: GuardOptions): ApiError | undefined {
  return (
    hostProblem(req.headers.get("host"), opts) ?? (SAFE_METHODS.has(req.method) ? undefined : crossSite(req.headers))
  );
}

function hostProblem(host: string | null, opts: GuardOptions): ApiError | undefined {
  if (!host) return new ApiError("MISDIRECTED_REQUEST", "host: the request names no host");
  const allowed = opts.allowedHosts.map((h) => h.toLowerCase());
  const lower = host.toLowerCase();
  if (allowed.includes(lower) || allowed.includes(hostName(lower))) return undefined;
  if (opts.exposed && allowed.length === 0) return undefined;
  const port = lower.match(/:(\d+)$/)?.[1];
  if (!opts.exposed && isLoopback(hostName(lower)) && (!port || !opts.port || port === opts.port)) return undefined;
  return new ApiError(
    "MISDIRECTED_REQUEST",
    `host: '${host.slice(0, 100)}' is not an address this portal serves (ALLOWED_HOSTS adds one)`,
  );
}

function crossSite(headers: Headers): ApiError | undefined {
  const site = headers.get("sec-fetch-site");
  const origin = headers.get("origin");
  const refused = new ApiError("FORBIDDEN", "origin: requests from other sites may not change anything here");
  if (site) return site === "same-origin" || site === "none" ? undefined : refused;
  if (origin === null) return undefined;
  try {
    return new URL(origin).host === headers.get("host")?.toLowerCase() ? undefined : refused;
  } catch {
    return refused; // "null" (sandboxed frames, file: pages) or garbage
  }
}

/** `host[:port]` or `[v6]:port` without the port. */
function hostName(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
}
