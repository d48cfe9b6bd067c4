import { mayRead } from "@/server/auth";
import { handled } from "@/server/http";
import { serveFile } from "@/server/serve-file";
import { getServices } from "@/server/services";
import { ApiError } from "@/shared/errors";

export const dynamic = "force-dynamic";

/** Sample grids, loss plots and trajectories of training runs; a running run rewrites them, so no caching. */
export const GET = handled("run file", async (req: Request, ctx: { params: Promise<{ path: string[] }> }) => {
  const { env, dataDir } = await getServices();
  if (!mayRead(env, req.headers))
    throw new ApiError("UNAUTHORIZED", "token: this portal needs the team token (sign in)");
  return serveFile(dataDir.runs, (await ctx.params).path, "revalidate");
});
