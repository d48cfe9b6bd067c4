import type { TRPCRouterRecord } from "@trpc/server";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { browserInput, importBrowserResult, withRanIn } from "@/server/browser-results";
import { browserInputInput, browserResultInput } from "@/shared/browser-results";
import { PROCEDURES, recipe } from "@/shared/recipes";
import { generationEventsInput } from "@/shared/stream-cursors";
import { text } from "@/shared/text";
import { publicProcedure, teamProcedure } from "../trpc";

const id = z.object({ id: z.uuid("id: not a generation id") });

export const generationsRouter = {
  /** Validates and enqueues a recipe; the page then subscribes to `events`. */
  create: teamProcedure.input(recipe).mutation(async ({ ctx, input }) => ({
    id: await ctx.services.generations.create(input),
  })),

  /** Runs a stored recipe again (same seed, same bytes). */
  rerun: teamProcedure.input(id).mutation(async ({ ctx, input }) => ({
    id: await ctx.services.generations.rerun(input.id),
  })),

  cancel: teamProcedure.input(id).mutation(async ({ ctx, input }) => ({
    cancelled: await ctx.services.generations.cancel(input.id),
  })),

  delete: teamProcedure.input(id).mutation(async ({ ctx, input }) => {
    await ctx.services.generations.delete(input.id);
    return { deleted: true };
  }),

  /** Undoes a delete (until the row is purged, see `UNDO_MS`). */
  restore: teamProcedure.input(id).mutation(async ({ ctx, input }) => ({
    restored: await ctx.services.generations.restore(input.id),
  })),

  get: publicProcedure
    .input(id)
    .query(
      async ({ ctx, input }) => (await withRanIn(ctx.services, [await ctx.services.generations.get(input.id)]))[0]!,
    ),

  /** Saves a recipe that ran in a browser tab (onnxruntime-web) with its PNGs; it joins the same history. */
  importBrowserResult: teamProcedure.input(browserResultInput).mutation(async ({ ctx, input }) => ({
    id: await importBrowserResult(ctx.services, input),
  })),

  /** An upload decoded at the model's size exactly as a worker decodes it, for an edit that runs in the browser. */
  browserInput: publicProcedure.input(browserInputInput).query(({ ctx, input }) => browserInput(ctx.services, input)),

  list: publicProcedure
    .input(
      z.object({
        procedures: z
          .array(z.enum(PROCEDURES, `procedures: each one of ${PROCEDURES.join(", ")}`))
          .min(1, "procedures: give at least one")
          .max(PROCEDURES.length, `procedures: at most ${PROCEDURES.length}`)
          .optional(),
        limit: z
          .number()
          .int("limit: a whole number")
          .min(1, "limit: at least 1")
          .max(100, "limit: at most 100")
          .default(30),
        before: z.iso.datetime("before: an ISO date-time such as 2026-01-31T12:00:00Z").optional(),
        modelId: text("modelId", { min: 1, max: 100 }).optional(),
        text: text("text", { max: 200, trim: true }).optional(),
        seed: z
          .int("seed: a whole number")
          .min(0, "seed: 0 or more")
          .max(2 ** 32 - 1, "seed: too large")
          .optional(),
        from: z.iso.datetime("from: an ISO date-time such as 2026-01-31T00:00:00Z").optional(),
        to: z.iso.datetime("to: an ISO date-time such as 2026-02-01T00:00:00Z").optional(),
        /** The last row of the previous page: its `createdAt` and `id`. */
        cursor: z
          .object({
            createdAt: z.iso.datetime("cursor.createdAt: an ISO date-time"),
            id: text("cursor.id", { min: 1, max: 100 }),
          })
          .optional(),
      }),
    )
    .query(async ({ ctx, input }) => withRanIn(ctx.services, await ctx.services.generations.list(input))),

  /**
   * Live progress over SSE. Each event carries a tracked id, so a reconnecting page resumes where it left off
   * instead of replaying everything.
   */
  events: publicProcedure.input(generationEventsInput).subscription(async function* ({ ctx, input, signal }) {
    const afterSeq = input.lastEventId ? Number(input.lastEventId.split(":")[1]) : undefined;
    for await (const { seq, event } of ctx.services.generations.events(input.id, { afterSeq, signal })) {
      yield tracked(`${input.id}:${seq}`, event);
    }
  }),
} satisfies TRPCRouterRecord;
