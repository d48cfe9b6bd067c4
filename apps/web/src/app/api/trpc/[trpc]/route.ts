import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";

export const dynamic = "force-dynamic";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
    responseMeta({ errors }) {
      // "busy" answers carry a Retry-After header too, for clients that are not ours.
      const busy = errors.find((e) => e.code === "TOO_MANY_REQUESTS");
      const retry = (busy?.cause as { retryAfterS?: number } | undefined)?.retryAfterS;
      return retry ? { headers: new Headers({ "retry-after": String(retry) }) } : {};
    },
  });
}

export { handler as GET, handler as POST };
