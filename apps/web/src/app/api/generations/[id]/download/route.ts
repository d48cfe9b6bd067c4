import { z } from "zod";
import { mayRead } from "@/server/auth";
import { contactSheet, downloadResponse, imageDownload, zipDownload } from "@/server/downloads";
import { handled } from "@/server/http";
import { getServices } from "@/server/services";
import { shareAllowsArtifact } from "@/server/share-links";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

const query = z.object({
  id: z.uuid("id: not a generation id"),
  format: z.enum(["image", "zip", "sheet"], "format: one of image, zip, sheet"),
  n: z.coerce.number().int("n: a whole number").min(0, "n: 0 or more").optional(),
});

/**
 * Downloads of a generation, read from the artifact store: `?format=image&n=<k>` one image named for what it is
 * (`7-seed0-flow-class-d64.png`), `?format=zip` every image plus recipe.json, `?format=sheet` a labelled contact
 * sheet PNG. Every PNG carries its recipe.
 */
export const GET = handled("download", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const services = await getServices();
  const url = new URL(req.url);
  const parsed = query.safeParse({
    id: (await ctx.params).id,
    format: url.searchParams.get("format") ?? "zip",
    n: url.searchParams.get("n") ?? undefined,
  });
  if (!parsed.success) throw new ApiError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "input: invalid");
  const { id, format, n } = parsed.data;
  if (
    !mayRead(services.env, req.headers) &&
    !shareAllowsArtifact(services.env.TEAM_TOKEN, ["generations", id], req.headers)
  )
    throw new ApiError("UNAUTHORIZED", "token: this portal needs the team token (sign in)");
  const g = await services.generations.get(id);
  if (format === "zip") return downloadResponse(await zipDownload(services, g));
  if (format === "sheet") return downloadResponse(await contactSheet(services, g));
  return downloadResponse(await imageDownload(services, g, n ?? 0));
});
