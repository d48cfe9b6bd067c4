import { cookieValue, sameSignature, sign } from "./auth";

/**
 * Links to one generation that work without the team token on an exposed portal: `/g/<id>?share=<signature>`, the
 * signature an HMAC of the id under a key derived from the token (no schema change; a new token revokes every link).
 * Opening the link stores the signature in a cookie for that id, so the page's API calls and images carry it.
 */

const COOKIE_PREFIX = "ds_share_";
const GENERATION_ID = /^[0-9a-f-]{36}$/i;
/** The procedures a shared page calls, each with the generation's `id` in its input. */
const SHARED_PROCEDURES = new Set(["generations.get", "generations.events"]);

export function shareSignature(teamToken: string, generationId: string): string {
  return sign(teamToken, "share", generationId.toLowerCase());
}

/** The path to share for a generation: signed when a token guards the portal. */
export function sharePath(teamToken: string | undefined, generationId: string): string {
  const base = `/g/${generationId}`;
  return teamToken ? `${base}?share=${shareSignature(teamToken, generationId)}` : base;
}

export function shareCookieName(generationId: string): string {
  return `${COOKIE_PREFIX}${generationId.toLowerCase()}`;
}

function shareValid(teamToken: string, generationId: string, headers: Headers): boolean {
  if (!GENERATION_ID.test(generationId)) return false;
  return sameSignature(cookieValue(headers, shareCookieName(generationId)), shareSignature(teamToken, generationId));
}

/** Whether a shared link opened in this browser lets it call `path` with `input`. */
export function shareAllows(teamToken: string | undefined, path: string, input: unknown, headers: Headers): boolean {
  const id = (input as { id?: unknown } | undefined)?.id;
  return !!teamToken && SHARED_PROCEDURES.has(path) && typeof id === "string" && shareValid(teamToken, id, headers);
}

/** Whether a shared link opened in this browser lets it load the artifact at `parts` (its generation's images). */
export function shareAllowsArtifact(
  teamToken: string | undefined,
  parts: readonly string[],
  headers: Headers,
): boolean {
  return !!teamToken && parts[0] === "generations" && !!parts[1] && shareValid(teamToken, parts[1], headers);
}

/** The cookie to set when `/g/<id>?share=<signature>` is opened with a valid signature, else undefined. */
export function shareCookie(teamToken: string | undefined, pathname: string, signature: string | null) {
  const id = /^\/g\/([0-9a-fA-F-]{36})$/.exec(pathname)?.[1];
  if (!teamToken || !id || !signature || !sameSignature(signature, shareSignature(teamToken, id))) return undefined;
  return { name: shareCookieName(id), value: signature };
}
