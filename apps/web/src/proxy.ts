import { type NextRequest, NextResponse } from "next/server";
import { loadEnv } from "@/env";
import { HTTP_STATUS } from "@/shared/errors";
import { guardRequest } from "./server/request-guard";
import { shareCookie } from "./server/share-links";

/**
 * Runs before every page and route: refuses foreign Host names and cross-site mutations (request-guard.ts), and
 * remembers the signature of a shared link that was opened (share-links.ts).
 */
export function proxy(req: NextRequest): NextResponse {
  // Read per request (microseconds): the instrumentation hook may set HOST to the bound address after this loads.
  const env = loadEnv();
  const refused = guardRequest(req, { exposed: env.exposed, port: process.env.PORT, allowedHosts: env.ALLOWED_HOSTS });
  if (refused) {
    return NextResponse.json(
      { error: { code: refused.code, message: refused.message } },
      { status: HTTP_STATUS[refused.code] },
    );
  }
  const res = NextResponse.next();
  const share = shareCookie(env.TEAM_TOKEN, req.nextUrl.pathname, req.nextUrl.searchParams.get("share"));
  if (share)
    res.cookies.set(share.name, share.value, { path: "/", httpOnly: true, sameSite: "lax", maxAge: 30 * 86400 });
  return res;
}
