import "server-only";
import type { AnyRouter } from "@trpc/server";
import { ApiError } from "@/shared/errors";
import { firstIssue } from "@/shared/recipes";

interface Parser {
  safeParseAsync?: (v: unknown) => Promise<{ success: boolean; error?: unknown }>;
}

/**
 * tRPC answers a subscription with `200 text/event-stream` and reports even bad input inside the stream; a client
 * that reconnects (EventSource) then retries a crafted `lastEventId` forever. This checks a subscription's input
 * before the stream opens, as tRPC will see it (`lastEventId` from the header or query merged in), so bad input is a
 * plain 400 naming the field.
 */
export async function checkSubscriptionInput(router: AnyRouter, req: Request): Promise<void> {
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  const path = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
  const procedure = (router._def.procedures as Record<string, { _def: { type: string; inputs: Parser[] } }>)[path];
  if (procedure?._def.type !== "subscription") return;
  let input: unknown;
  try {
    const raw = url.searchParams.get("input");
    input = raw === null ? undefined : JSON.parse(raw);
  } catch {
    throw new ApiError("BAD_REQUEST", "input: not valid JSON");
  }
  const lastEventId =
    req.headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? url.searchParams.get("Last-Event-Id");
  if (lastEventId) input = typeof input === "object" && input !== null ? { ...input, lastEventId } : { lastEventId };
  for (const parser of procedure._def.inputs) {
    const result = await parser.safeParseAsync?.(input);
    if (result && !result.success) throw new ApiError("BAD_REQUEST", firstIssue(result.error as never));
  }
}
