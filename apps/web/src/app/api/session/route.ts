import { TOKEN_COOKIE, tokenMatches } from "@/server/auth";
import { errorResponse } from "@/server/http";
import { getServices } from "@/server/services";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

/** Signs this browser in with the team token: checks it and stores it in an http-only cookie. */
export async function POST(req: Request) {
  try {
    const { env } = await getServices();
    const body = (await req.json().catch(() => ({}))) as { token?: unknown };
    const token = typeof body.token === "string" ? body.token : undefined;
    if (!env.TEAM_TOKEN) return Response.json({ ok: true });
    if (!tokenMatches(env.TEAM_TOKEN, token)) throw new ApiError("UNAUTHORIZED", "token: that is not the team token");
    const secure = req.url.startsWith("https:") ? "; Secure" : "";
    return Response.json(
      { ok: true },
      {
        headers: {
          "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(token!)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000${secure}`,
        },
      },
    );
  } catch (err) {
    return errorResponse(err);
  }
}
