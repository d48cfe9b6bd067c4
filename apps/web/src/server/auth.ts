import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Who may do what. Scripts send the team token (`Authorization: Bearer …`); browsers sign in once and then carry a
 * session cookie that holds no secret: an expiry and a nonce, signed with a key derived from the team token, so
 * changing TEAM_TOKEN ends every session and a stolen cookie never reveals the token.
 */

export const SESSION_COOKIE = "ds_session";
/** How long a sign-in lasts. */
export const SESSION_TTL_S = 7 * 24 * 3600;

/** The bearer token a request carries, if any. */
export function bearerToken(headers: Headers): string | undefined {
  const auth = headers.get("authorization");
  return auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
}

/** The value of cookie `name`, if the request carries it. */
export function cookieValue(headers: Headers, name: string): string | undefined {
  for (const part of headers.get("cookie")?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/** Whether `given` equals the team token, compared in constant time. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return safeEqual(sha256(expected), sha256(given));
}

/** A new session value: `<expiry s>.<nonce>.<signature>`. */
export function createSession(teamToken: string, nowMs = Date.now()): string {
  const payload = `${Math.floor(nowMs / 1000) + SESSION_TTL_S}.${randomBytes(12).toString("base64url")}`;
  return `${payload}.${sign(teamToken, "session", payload)}`;
}

/** Whether `value` is a session this portal signed with the current token and that has not expired. */
export function sessionValid(teamToken: string, value: string | undefined, nowMs = Date.now()): boolean {
  const parts = value?.split(".");
  if (parts?.length !== 3) return false;
  const [expiry, nonce, signature] = parts as [string, string, string];
  if (!/^\d{1,12}$/.test(expiry) || Number(expiry) * 1000 <= nowMs) return false;
  return sameSignature(signature, sign(teamToken, "session", `${expiry}.${nonce}`));
}

/** An HMAC of `message` under a key derived from the team token for one `purpose` (sessions, share links). */
export function sign(teamToken: string, purpose: string, message: string): string {
  const key = createHmac("sha256", teamToken).update(`diffusion-studio/${purpose}`).digest();
  return createHmac("sha256", key).update(message).digest("base64url");
}

/** Whether the request carries the team token or a valid session. */
export function isSignedIn(teamToken: string, headers: Headers): boolean {
  return tokenMatches(teamToken, bearerToken(headers)) || sessionValid(teamToken, cookieValue(headers, SESSION_COOKIE));
}

/** Mutations need the token whenever one is configured (it must be when the portal is exposed). */
export function mayMutate(teamToken: string | undefined, headers: Headers): boolean {
  return teamToken === undefined || isSignedIn(teamToken, headers);
}

/** Reads (prompts, images, runs) are open on a loopback-only portal; an exposed one needs the token for them too. */
export function mayRead(env: { exposed: boolean; TEAM_TOKEN?: string }, headers: Headers): boolean {
  return !env.exposed || mayMutate(env.TEAM_TOKEN, headers);
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether two signatures are equal, compared in constant time. */
export function sameSignature(a: string | undefined | null, b: string): boolean {
  return typeof a === "string" && safeEqual(Buffer.from(a), Buffer.from(b));
}
