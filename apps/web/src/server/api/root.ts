import { generationsRouter } from "./routers/generations";
import { modelsRouter } from "./routers/models";
import { systemRouter } from "./routers/system";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  models: modelsRouter,
  generations: generationsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests). */
export const createCaller = createCallerFactory(appRouter);
