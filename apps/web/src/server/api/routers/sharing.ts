import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { sharePath } from "../../share-links";
import { teamProcedure } from "../trpc";

export const sharingRouter = {
  /** The link that shows one generation to people without the team token (signed when a token is configured). */
  link: teamProcedure.input(z.object({ id: z.uuid("id: not a generation id") })).mutation(({ ctx, input }) => ({
    path: sharePath(ctx.services.env.TEAM_TOKEN, input.id),
  })),
} satisfies TRPCRouterRecord;
