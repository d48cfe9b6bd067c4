import type { TRPCRouterRecord } from "@trpc/server";
import { tracked } from "@trpc/server";
import { z } from "zod";
import { trainingLastEventId } from "@/shared/stream-cursors";
import { text } from "@/shared/text";
import { RUN_NAME } from "../../training";
import { publicProcedure, teamProcedure } from "../trpc";

const runId = z.object({ id: z.string().regex(RUN_NAME, "id: not a run name") });
const overrideValue = z.union([z.number(), z.boolean(), text("overrides", { max: 200 })], {
  error: "overrides: each value is a number, a boolean or a text",
});

/** A launch: an experiment's name and the fields that differ from its defaults. */
const launch = z.object({
  experiment: text("experiment", { min: 1, max: 100, tooShort: "experiment: choose an experiment" }),
  overrides: z
    .record(
      z
        .string()
        .max(100, "overrides: field names are at most 100 characters")
        .regex(/^[A-Za-z][\w.]*$/, "overrides: field names look like epochs or flow.cfgScale"),
      overrideValue,
    )
    .refine((o) => Object.keys(o).length <= 32, "overrides: at most 32 fields"),
});

export const trainingRouter = {
  experiments: publicProcedure.query(({ ctx }) => ctx.services.training.experiments()),

  /** Starts a run of a named experiment with field overrides (`{ epochs: 2, "flow.cfgScale": 3 }`). */
  start: teamProcedure
    .input(launch)
    .mutation(async ({ ctx, input }) => ({ id: await ctx.services.training.start(input.experiment, input.overrides) })),

  /** What a launch would take (estimated memory, steps) and why it would be refused, without queuing it. */
  estimate: publicProcedure
    .input(launch)
    .query(({ ctx, input }) => ctx.services.training.estimate(input.experiment, input.overrides)),

  list: publicProcedure.query(({ ctx }) => ctx.services.training.list()),

  get: publicProcedure.input(runId).query(({ ctx, input }) => ctx.services.training.detail(input.id)),

  cancel: teamProcedure.input(runId).mutation(async ({ ctx, input }) => {
    await ctx.services.training.cancel(input.id);
    return { cancelling: true };
  }),

  /** Continues a cancelled or failed run from its latest checkpoint. */
  resume: teamProcedure.input(runId).mutation(async ({ ctx, input }) => {
    await ctx.services.training.resume(input.id);
    return { resuming: true };
  }),

  promote: teamProcedure.input(runId).mutation(async ({ ctx, input }) => ({
    modelId: await ctx.services.training.promote(input.id),
  })),

  /** The trainer's typed events (step, epoch, evaluation, done…) live, resumable from the last byte offset seen. */
  events: publicProcedure.input(runId.extend({ lastEventId: trainingLastEventId })).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const after = input.lastEventId ? Number(input.lastEventId) : undefined;
    for await (const { seq, event } of ctx.services.training.events(input.id, { after, signal })) {
      yield tracked(String(seq), [event]);
    }
  }),
} satisfies TRPCRouterRecord;
