import type { TRPCRouterRecord } from "@trpc/server";
import { mayMutate } from "../../auth";
import { publicProcedure } from "../trpc";

export const systemRouter = {
  /** What the header shows: database kind, queue load, and whether this browser may run jobs. */
  status: publicProcedure.query(({ ctx }) => {
    const { env, database, queue } = ctx.services;
    return {
      database: database.kind,
      queue: queue.stats(),
      tokenRequired: env.TEAM_TOKEN !== undefined,
      authorized: mayMutate(env.TEAM_TOKEN, ctx.headers),
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    };
  }),
} satisfies TRPCRouterRecord;
