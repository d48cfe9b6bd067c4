import { serveFile } from "@/server/serve-file";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

/** Generated images and uploads. They never change once written (a re-run gets a new id). */
export async function GET(_req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { dataDir } = await getServices();
  return serveFile(dataDir.artifacts, (await ctx.params).path, "immutable");
}
