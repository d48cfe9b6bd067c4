/**
 * tRPC set-up: 1. context, 2. initialisation (error shape), 3. procedures (public and team-only).
 */
import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { isApiError } from "@/shared/errors";
import { firstIssue } from "@/shared/recipes";
import { mayMutate } from "../auth";
import { getServices, type Services } from "../services";

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
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : undefined;
    const api = isApiError(error.cause) ? error.cause : undefined;
    return {
      ...shape,
      // A zod failure's default message is a JSON dump; say which field and what is allowed instead.
      message: zod ? firstIssue(zod) : shape.message,
      data: {
        ...shape.data,
        fieldErrors: zod ? zod.flatten().fieldErrors : undefined,
        retryAfterS: api?.retryAfterS,
        // Stack traces stay on the server.
        stack: undefined,
      },
    };
  },
});

/** Turns the services' ApiErrors into tRPC errors with the same code. */
const apiErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isApiError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

// 3. PROCEDURES
export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(apiErrors);

/** Generate, train, delete: allowed with the team token (always allowed on a loopback-only portal without one). */
export const teamProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!mayMutate(ctx.services.env.TEAM_TOKEN, ctx.headers)) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "token: this action needs the team token" });
  }
  return next();
});
