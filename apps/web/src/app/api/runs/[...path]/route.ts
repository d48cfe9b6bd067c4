import { serveFile } from "@/server/serve-file";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

/** Sample grids, loss plots and trajectories of training runs; a running run rewrites them, so no caching. */
export async function GET(_req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { dataDir } = await getServices();
  return serveFile(dataDir.runs, (await ctx.params).path, "revalidate");
}
