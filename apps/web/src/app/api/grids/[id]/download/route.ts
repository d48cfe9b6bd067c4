import { z } from "zod";
import { mayRead } from "@/server/auth";
import { downloadResponse } from "@/server/downloads";
import { gridImage } from "@/server/grid-image";
import { handled } from "@/server/http";
import { getServices } from "@/server/services";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.uuid("id: not a grid id") });

/** A finished grid as one labelled PNG carrying its recipe (base recipe and axes). */
export const GET = handled("grid download", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const services = await getServices();
  const parsed = params.safeParse({ id: (await ctx.params).id });
  if (!parsed.success) throw new ApiError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "id: invalid");
  if (!mayRead(services.env, req.headers)) {
    throw new ApiError("UNAUTHORIZED", "token: this portal needs the team token (sign in)");
  }
  return downloadResponse(await gridImage(services, await services.grids.get(parsed.data.id)));
});
