import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { withinLimits } from "@/server/api/request-limits";
import { appRouter } from "@/server/api/root";
import { checkSubscriptionInput } from "@/server/api/subscription-input";
import { createContext } from "@/server/api/trpc";
import { publicError } from "@/server/public-error";
import { API_LIMITS } from "@/shared/api-limits";
import { HTTP_STATUS, isApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

async function handler(incoming: Request) {
  let req: Request;
  try {
    req = await withinLimits(incoming);
    await checkSubscriptionInput(appRouter, req);
  } catch (err) {
    const api = publicError(err, "tRPC request");
    // Shaped like tRPC's own error answers, so clients read it the same way.
    const status = HTTP_STATUS[api.code];
    return Response.json(
      { error: { message: api.message, code: -32600, data: { code: api.code, httpStatus: status } } },
      { status },
    );
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: API_LIMITS.batch,
    createContext: () => createContext({ headers: req.headers }),
    responseMeta({ errors }) {
      // Unexpected errors are logged (with their id) by the error formatter; here only the status and Retry-After.
      const causes = errors.map((e) => e.cause).filter(isApiError);
      const storage = causes.find((c) => c.code === "INSUFFICIENT_STORAGE");
      const retry = causes.find((c) => c.retryAfterS)?.retryAfterS;
      return {
        ...(storage && errors.length === 1 ? { status: HTTP_STATUS.INSUFFICIENT_STORAGE } : {}),
        ...(retry ? { headers: new Headers({ "retry-after": String(retry) }) } : {}),
      };
    },
  });
}

export { handler as GET, handler as POST };
