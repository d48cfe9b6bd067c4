import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { gridInput } from "@/shared/grids";
import { publicProcedure, teamProcedure } from "../trpc";

const id = z.object({ id: z.uuid("id: not a grid id") });

export const gridsRouter = {
  /** Checks every cell, then enqueues them all as one group; the page polls `get` as cells finish. */
  create: teamProcedure.input(gridInput).mutation(async ({ ctx, input }) => ({
    id: await ctx.services.grids.create(input),
  })),

  get: publicProcedure.input(id).query(({ ctx, input }) => ctx.services.grids.get(input.id)),

  list: publicProcedure
    .input(
      z.object({
        limit: z
          .number()
          .int("limit: a whole number")
          .min(1, "limit: at least 1")
          .max(50, "limit: at most 50")
          .default(10),
      }),
    )
    .query(({ ctx, input }) => ctx.services.grids.list(input.limit)),
} satisfies TRPCRouterRecord;
