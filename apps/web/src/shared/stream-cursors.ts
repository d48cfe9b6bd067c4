import { z } from "zod";

/**
 * The `lastEventId` a reconnecting live-update stream sends back (tRPC takes it from the input, the `lastEventId`
 * query parameter or the `Last-Event-ID` header). It was only ever parsed with `Number(…)`, so a crafted one
 * (NaN, negative, 1e400, another job's id) reached the event sources; now anything but what the stream itself sent
 * is a 400 naming the field. Keeping the position within the stream's range is the event source's part.
 */

/** A non-negative safe integer written without sign, exponent or leading zeros (at most 15 digits). */
const POSITION = "(0|[1-9]\\d{0,14})";

/** A generation's event id: `<generation id>:<sequence number>`. */
const generationCursor = new RegExp(`^([0-9a-fA-F-]{36}):${POSITION}$`);
/** A training run's event id: a position in its event log. */
const trainingCursor = new RegExp(`^${POSITION}$`);

export const generationEventsInput = z
  .object({
    id: z.uuid("id: not a generation id"),
    lastEventId: z
      .string()
      .regex(generationCursor, "lastEventId: must be '<generation id>:<n>' as this stream sent it")
      .nullish(),
  })
  .superRefine(({ id, lastEventId }, ctx) => {
    const forId = lastEventId ? generationCursor.exec(lastEventId)?.[1] : undefined;
    if (forId !== undefined && forId.toLowerCase() !== id.toLowerCase())
      ctx.addIssue({ code: "custom", path: ["lastEventId"], message: "lastEventId: belongs to another generation" });
  });

/** A training run's `lastEventId`: a position in its event log. */
export const trainingLastEventId = z
  .string()
  .regex(trainingCursor, "lastEventId: must be a position this stream sent (a whole number)")
  .nullish();
