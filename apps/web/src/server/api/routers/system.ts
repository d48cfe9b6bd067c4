import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { mayMutate } from "../../auth";
import { publicProcedure, teamProcedure } from "../trpc";

export const systemRouter = {
  /** What the header shows: database kind, queue load, and whether this browser may run jobs. */
  status: publicProcedure.query(async ({ ctx }) => {
    const { env, database, workers } = ctx.services;
    return {
      database: database.kind,
      queue: await workers.load(),
      tokenRequired: env.TEAM_TOKEN !== undefined,
      authorized: mayMutate(env.TEAM_TOKEN, ctx.headers),
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    };
  }),

  /** Every worker (host, device queues, what it runs, last heartbeat), queue depths and the dead letters. */
  workers: publicProcedure.query(({ ctx }) => ctx.services.workers.overview()),

  /** Sends a dead-lettered job back to its queue. */
  retryDeadLetter: teamProcedure
    .input(z.object({ id: z.uuid("id: not a dead letter id") }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.workers.retry(input.id);
      return { retried: true };
    }),
} satisfies TRPCRouterRecord;
