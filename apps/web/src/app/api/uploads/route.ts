import { mayMutate } from "@/server/auth";
import { uploads } from "@/server/db/schema";
import { errorResponse } from "@/server/http";
import { getServices } from "@/server/services";
import { readLimited, storeUpload, tooLarge } from "@/server/uploads";
import { ApiError } from "@/shared/errors";
import { artifactUrl } from "@/shared/urls";

export const dynamic = "force-dynamic";

/**
 * Accepts one image as the raw request body (what `fetch(url, {body: file})` sends), decodes it with sharp and
 * stores it as PNG. Answers `{id, url, width, height}` or a typed error.
 */
export async function POST(req: Request) {
  try {
    const { env, dataDir, database } = await getServices();
    if (!mayMutate(env.TEAM_TOKEN, req.headers))
      throw new ApiError("UNAUTHORIZED", "token: uploads need the team token");
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > env.UPLOAD_MAX_BYTES) throw tooLarge(env.UPLOAD_MAX_BYTES);
    const data = await readLimited(req.body, env.UPLOAD_MAX_BYTES);
    if (data.length === 0) throw new ApiError("BAD_REQUEST", "file: the upload is empty");
    const stored = await storeUpload(dataDir.artifacts, data);
    await database.db.insert(uploads).values(stored);
    return Response.json({ id: stored.id, url: artifactUrl(stored.path), width: stored.width, height: stored.height });
  } catch (err) {
    return errorResponse(err);
  }
}
