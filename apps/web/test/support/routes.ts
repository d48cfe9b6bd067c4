import type { Services } from "@/server/services";

/**
 * Drives the real route handlers in-process (no HTTP server): the routes find their services on globalThis, where
 * `useServices` puts the test's.
 */
export function useServices(services: Services): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for("diffusion-studio.services")] = Promise.resolve(services);
}

export const ORIGIN = "http://127.0.0.1:3000";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** Calls a route module's handler like Next does. */
export function call(handler: unknown, req: Request, params: Record<string, string | string[]> = {}) {
  return (handler as Handler)(req, { params: Promise.resolve(params) });
}

/** A tRPC call over the real `/api/trpc` route: a query or subscription as GET, a mutation as POST. */
export async function trpcCall(
  route: { GET: unknown; POST: unknown },
  type: "query" | "mutation" | "subscription",
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = new URL(`${ORIGIN}/api/trpc/${path}`);
  if (type !== "mutation" && input !== undefined) url.searchParams.set("input", JSON.stringify(input));
  const init: RequestInit =
    type === "mutation"
      ? {
          method: "POST",
          body: JSON.stringify(input ?? null),
          headers: { "content-type": "application/json", ...headers },
        }
      : { method: "GET", headers };
  return call(type === "mutation" ? route.POST : route.GET, new Request(url, init));
}

/** The first event of an SSE answer (a subscription), or undefined when none arrives within `ms`. */
export async function firstEvent(res: Response, ms = 500): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return undefined;
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), ms));
  let text = "";
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text || undefined;
      text += new TextDecoder().decode(value);
      // The first complete event that carries data or an error (not the connection's own "connected"/"ping").
      const complete = text.split("\n\n").slice(0, -1);
      const meaningful = complete.find((e) => /^data: /m.test(e) && !/^event: (connected|ping)/m.test(e));
      if (meaningful) return meaningful;
    }
  })();
  const result = await Promise.race([read, timeout]);
  await reader.cancel().catch(() => undefined);
  return result;
}
