import { generationsRouter } from "./routers/generations";
import { gridsRouter } from "./routers/grids";
import { modelsRouter } from "./routers/models";
import { sharingRouter } from "./routers/sharing";
import { systemRouter } from "./routers/system";
import { trainingRouter } from "./routers/training";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  models: modelsRouter,
  generations: generationsRouter,
  grids: gridsRouter,
  training: trainingRouter,
  sharing: sharingRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests). */
export const createCaller = createCallerFactory(appRouter);
