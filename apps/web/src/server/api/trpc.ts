/**
 * tRPC set-up: 1. context, 2. initialisation (error shape), 3. procedures (open, readable, team-only).
 */
import "server-only";
import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { type ApiError, type ApiErrorCode, fieldMessage, HTTP_STATUS, isApiError } from "@/shared/errors";
import { firstIssue } from "@/shared/recipes";
import { mayMutate, mayRead } from "../auth";
import { publicError } from "../public-error";
import { getServices, type Services } from "../services";
import { shareAllows } from "../share-links";

// 1. CONTEXT
export interface Context {
  readonly services: Services;
  readonly headers: Headers;
}

export async function createContext(opts: { headers: Headers; services?: Services }): Promise<Context> {
  return { services: opts.services ?? (await getServices()), headers: opts.headers };
}

// 2. INITIALISATION
const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, path }) {
    const zod = error.cause instanceof ZodError ? error.cause : undefined;
    const answer = clientError(error, path);
    return {
      ...shape,
      message: answer.message,
      data: {
        ...shape.data,
        code: answer.code,
        httpStatus: answer.httpStatus,
        fieldErrors: zod ? zod.flatten().fieldErrors : undefined,
        retryAfterS: isApiError(error.cause) ? error.cause.retryAfterS : undefined,
        // Stack traces stay on the server.
        stack: undefined,
      },
    };
  },
});

/**
 * What a client is told about `error`: a zod failure's first issue, a typed ApiError as it is, tRPC's own refusals
 * with the field in front, and for anything unexpected only an id (the detail is logged by `publicError`).
 */
function clientError(error: TRPCError, path: string | undefined) {
  const cause = error.cause;
  if (cause instanceof ZodError) return answer("BAD_REQUEST", firstIssue(cause));
  if (isApiError(cause)) return answer(cause.code, cause.message);
  if (error.code === "INTERNAL_SERVER_ERROR") {
    const pub = publicError(cause ?? error, `tRPC ${path ?? "?"}`);
    return answer(pub.code, pub.message);
  }
  if (error.code === "PARSE_ERROR") return answer("BAD_REQUEST", "input: not valid JSON");
  const field =
    error.code === "NOT_FOUND" && !path ? "path" : error.code === "METHOD_NOT_SUPPORTED" ? "method" : "input";
  return answer(error.code, fieldMessage(field, error.message));
}

function answer(code: ApiErrorCode | TRPC_ERROR_CODE_KEY, message: string) {
  return { code, message, httpStatus: (HTTP_STATUS as Record<string, number>)[code] };
}

/** tRPC has no code for some of ours; the route's responseMeta sets the exact HTTP status from the ApiError. */
function trpcCode(code: ApiErrorCode): TRPC_ERROR_CODE_KEY {
  if (code === "INSUFFICIENT_STORAGE") return "SERVICE_UNAVAILABLE";
  if (code === "MISDIRECTED_REQUEST") return "BAD_REQUEST";
  return code;
}

/** Turns whatever a procedure throws into a tRPC error whose cause is the public ApiError (logged once if unexpected). */
const publicErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  if (!isApiError(error.cause) && error.code !== "INTERNAL_SERVER_ERROR") return result;
  const pub: ApiError = publicError(error.cause ?? error, `tRPC ${path}`);
  throw new TRPCError({ code: trpcCode(pub.code), message: pub.message, cause: pub });
});

/** Procedures anyone may call even on an exposed portal: the header's status (it says whether to sign in). */
const OPEN_PATHS = new Set(["system.status"]);

/** On an exposed portal every read needs the team token, except what an explicitly shared link shows. */
const readAccess = t.middleware(async ({ ctx, path, getRawInput, next }) => {
  if (OPEN_PATHS.has(path) || mayRead(ctx.services.env, ctx.headers)) return next();
  if (shareAllows(ctx.services.env.TEAM_TOKEN, path, await getRawInput().catch(() => undefined), ctx.headers))
    return next();
  throw new TRPCError({ code: "UNAUTHORIZED", message: "token: this portal needs the team token (sign in)" });
});

// 3. PROCEDURES
export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Reads: open on a loopback-only portal, token-only on an exposed one (shared links aside). */
export const publicProcedure = t.procedure.use(publicErrors).use(readAccess);

/** Generate, train, delete: allowed with the team token (always allowed on a loopback-only portal without one). */
export const teamProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!mayMutate(ctx.services.env.TEAM_TOKEN, ctx.headers)) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "token: this action needs the team token" });
  }
  return next();
});
