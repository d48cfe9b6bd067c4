import fs from "node:fs/promises";
import path from "node:path";
import { uploads } from "@/db/schema";
import { mayMutate } from "@/server/auth";
import { handled } from "@/server/http";
import { getServices } from "@/server/services";
import { checkUploadType, readLimited, storeUpload, tooLarge } from "@/server/uploads";
import { ApiError } from "@/shared/errors";
import { artifactUrl } from "@/shared/urls";

export const dynamic = "force-dynamic";

/**
 * Accepts one image as the raw request body (what `fetch(url, {body: file})` sends, with the file's image type),
 * decodes it with sharp and stores it as PNG. Answers `{id, url, width, height}` or a typed error.
 */
export const POST = handled("upload", async (req: Request) => {
  const { env, dataDir, database } = await getServices();
  if (!mayMutate(env.TEAM_TOKEN, req.headers)) throw new ApiError("UNAUTHORIZED", "token: uploads need the team token");
  checkUploadType(req.headers.get("content-type"));
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > env.UPLOAD_MAX_BYTES) throw tooLarge(env.UPLOAD_MAX_BYTES);
  const data = await readLimited(req.body, env.UPLOAD_MAX_BYTES);
  if (data.length === 0) throw new ApiError("BAD_REQUEST", "file: the upload is empty");
  const stored = await storeUpload(dataDir.artifacts, data);
  try {
    await database.db.insert(uploads).values(stored);
  } catch (err) {
    // No row, no file: a failed insert (e.g. a full disk) must not leave an orphan behind.
    await fs.rm(path.join(dataDir.artifacts, stored.path), { force: true });
    throw err;
  }
  return Response.json({ id: stored.id, url: artifactUrl(stored.path), width: stored.width, height: stored.height });
});
