import type { TRPCRouterRecord } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { text } from "@/shared/text";
import { publicProcedure } from "../trpc";

export const modelsRouter = {
  /** Every model the galleries can use, with what each supports. Empty until models are embedded or promoted. */
  list: publicProcedure.query(async ({ ctx }) => (await ctx.services.models.list()).map((m) => m.info)),

  /** Configured model sources that could not be offered (e.g. a broken DEEPFLOYD_DIR), with what is wrong. */
  problems: publicProcedure.query(({ ctx }) => ctx.services.models.problems()),

  get: publicProcedure.input(z.object({ id: text("id", { min: 1, max: 100 }) })).query(async ({ ctx, input }) => {
    const model = await ctx.services.models.get(input.id);
    if (!model) throw new TRPCError({ code: "NOT_FOUND", message: `modelId: unknown model '${input.id}'` });
    return model.info;
  }),
} satisfies TRPCRouterRecord;
