import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";

export const TOKEN_COOKIE = "ds_team_token";

/** The token a request carries: `Authorization: Bearer …` for scripts, or the cookie the sign-in form sets. */
export function requestToken(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  const cookie = headers.get("cookie");
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** Whether `given` equals the team token, compared in constant time. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b);
}

/** Mutations need the token whenever one is configured (it must be when the portal is exposed). */
export function mayMutate(teamToken: string | undefined, headers: Headers): boolean {
  return teamToken === undefined || tokenMatches(teamToken, requestToken(headers));
}
