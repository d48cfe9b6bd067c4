import { mayRead } from "@/server/auth";
import { handled } from "@/server/http";
import { serveFile } from "@/server/serve-file";
import { getServices } from "@/server/services";
import { shareAllowsArtifact } from "@/server/share-links";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

/** Generated images and uploads. They never change once written (a re-run gets a new id). */
export const GET = handled("artifact", async (req: Request, ctx: { params: Promise<{ path: string[] }> }) => {
  const { env, dataDir } = await getServices();
  const parts = (await ctx.params).path;
  if (!mayRead(env, req.headers) && !shareAllowsArtifact(env.TEAM_TOKEN, parts, req.headers))
    throw new ApiError("UNAUTHORIZED", "token: this portal needs the team token (sign in)");
  return serveFile(dataDir.artifacts, parts, "immutable");
});
