import { createSession, SESSION_COOKIE, SESSION_TTL_S, tokenMatches } from "@/server/auth";
import { handled } from "@/server/http";
import { getServices } from "@/server/services";
import { clientAddress, signInThrottle } from "@/server/sign-in-throttle";
import { readLimited } from "@/server/uploads";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

/**
 * Signs this browser in with the team token: checks it (failures are throttled per client and overall) and sets a
 * signed session cookie that holds no secret.
 */
export const POST = handled("session", async (req: Request) => {
  const { env } = await getServices();
  if (!env.TEAM_TOKEN) return Response.json({ ok: true });
  const client = clientAddress(req.headers);
  const wait = signInThrottle.retryAfterS(client);
  if (wait > 0) throw new ApiError("TOO_MANY_REQUESTS", `token: too many wrong tokens; retry after ${wait} s`, wait);
  const token = await tokenFrom(req);
  if (!tokenMatches(env.TEAM_TOKEN, token)) {
    signInThrottle.recordFailure(client);
    throw new ApiError("UNAUTHORIZED", "token: that is not the team token");
  }
  signInThrottle.recordSuccess(client);
  return Response.json(
    { ok: true },
    { headers: { "set-cookie": sessionCookie(createSession(env.TEAM_TOKEN), SESSION_TTL_S, req) } },
  );
});

/** Signs this browser out: the session cookie is dropped. */
export const DELETE = handled("session", async (req: Request) =>
  Response.json({ ok: true }, { headers: { "set-cookie": sessionCookie("", 0, req) } }),
);

function sessionCookie(value: string, maxAgeS: number, req: Request): string {
  const secure = req.url.startsWith("https:") ? "; Secure" : "";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
}

/** The `token` of a small JSON body `{"token": "…"}`. */
async function tokenFrom(req: Request): Promise<string | undefined> {
  const body = await readLimited(req.body, 4096, "token");
  try {
    const token = (JSON.parse(body.toString("utf8")) as { token?: unknown } | null)?.token;
    return typeof token === "string" ? token : undefined;
  } catch {
    throw new ApiError("BAD_REQUEST", 'token: send JSON like {"token": "…"}');
  }
}
