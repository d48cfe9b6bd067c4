import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { encodePng } from "@diffusion-studio/models";
import { eq, inArray } from "drizzle-orm";
import sharp, { type OutputInfo } from "sharp";
import { generations, type StoredImage, uploads } from "@/db/schema";
import { type BrowserResultInput, expectedImageCount } from "@/shared/browser-results";
import { ApiError } from "@/shared/errors";
import { imageRecipe, recipeChunks } from "@/shared/image-recipe";
import { addPngText } from "@/shared/png-text";
import { MNIST_PIXELS, readImage, readMask } from "@/worker/images";
import { pinRecipeSampler } from "./recipe-sampler";
import type { Services } from "./services";

/** A model that may run in browsers, or a typed error naming `modelId`. */
async function browserModel(services: Services, modelId: string) {
  const model = await services.models.get(modelId);
  if (!model) throw new ApiError("NOT_FOUND", `modelId: unknown model '${modelId}'`);
  if (!model.info.browser || model.format !== "cs180-onnx") {
    throw new ApiError("BAD_REQUEST", `modelId: model '${modelId}' does not run in browsers`);
  }
  return model;
}

/**
 * Stores what a browser tab made as a finished generation: the recipe, each PNG decoded by sharp (size checked
 * against the model) and written as the workers write theirs, and where it ran (`ran_in`). Returns its id.
 */
export async function importBrowserResult(services: Services, input: BrowserResultInput): Promise<string> {
  const model = await browserModel(services, input.recipe.modelId);
  const info = model.info;
  if (!info.procedures.includes(input.recipe.procedure)) {
    throw new ApiError("BAD_REQUEST", `procedure: model '${info.id}' does not support '${input.recipe.procedure}'`);
  }
  const recipe = pinRecipeSampler(input.recipe, info);
  for (const key of ["imageId", "maskId"] as const) {
    const id = key in recipe ? (recipe as Record<typeof key, string>)[key] : undefined;
    if (!id) continue;
    const [row] = await services.database.db.select().from(uploads).where(eq(uploads.id, id));
    if (!row) throw new ApiError("NOT_FOUND", `${key}: no upload '${id}'`);
  }
  const expected = expectedImageCount(recipe);
  if (expected !== undefined && input.images.length !== expected) {
    throw new ApiError("BAD_REQUEST", `images: this recipe makes ${expected} images (got ${input.images.length})`);
  }
  const [channels, height, width] = info.shape;
  const pngs: Uint8Array[] = [];
  for (const [k, image] of input.images.entries()) {
    const field = `images.${k}.png`;
    const bytes = Buffer.from(image.png, "base64");
    let raw: { data: Buffer; info: OutputInfo };
    try {
      const meta = await sharp(bytes, { limitInputPixels: 4096 * 4096 }).metadata();
      if (meta.format !== "png") throw new Error("not png");
      raw = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    } catch {
      throw new ApiError("BAD_REQUEST", `${field}: not a PNG we can decode`);
    }
    if (raw.info.width !== width || raw.info.height !== height) {
      throw new ApiError(
        "BAD_REQUEST",
        `${field}: ${raw.info.width}×${raw.info.height}, but model '${info.id}' makes ${width}×${height} images`,
      );
    }
    let png = sharp(raw.data, { raw: { width, height, channels: raw.info.channels } });
    if (channels === 1) png = png.toColourspace("b-w");
    // With the recipe chunks a worker writes (src/worker/job.ts), so a browser result travels with its recipe too.
    const meta = imageRecipe(recipe, info, { index: k, label: image.label, kind: "result", width, height });
    pngs.push(addPngText(await png.png().toBuffer(), recipeChunks(meta, info.courseSteps)));
  }
  const id = randomUUID();
  const images: StoredImage[] = [];
  for (const [k, png] of pngs.entries()) {
    const rel = `generations/${id}/${String(k).padStart(3, "0")}.png`;
    await services.store.put(`artifacts/${rel}`, png);
    images.push({ path: rel, label: input.images[k]!.label, width, height });
  }
  await services.database.db.insert(generations).values({
    id,
    procedure: recipe.procedure,
    modelId: recipe.modelId,
    recipe,
    status: "done",
    images,
    finishedAt: new Date(),
    ranIn: { where: "browser", ...input.ranIn },
  });
  return id;
}

/**
 * An upload as the model sees it, decoded exactly as a worker decodes it (images.ts), as an 8-bit grey PNG (base64):
 * a browser run of an edit then starts from the same pixels as a server run.
 */
export async function browserInput(
  services: Services,
  input: { modelId: string; uploadId: string; input: "image" | "mask" },
): Promise<{ png: string }> {
  const model = await browserModel(services, input.modelId);
  const [row] = await services.database.db.select().from(uploads).where(eq(uploads.id, input.uploadId));
  if (!row) throw new ApiError("NOT_FOUND", `uploadId: no upload '${input.uploadId}'`);
  const [, height, width] = model.info.shape;
  const read = input.input === "image" ? readImage : readMask;
  const batch = await read(path.join(services.dataDir.artifacts, row.path), height, width, MNIST_PIXELS);
  return { png: Buffer.from(encodePng(batch, 0, "unit")).toString("base64") };
}

/** Adds each generation's `ranIn` (null for server runs) to views of the history. */
export async function withRanIn<T extends { id: string }>(services: Services, views: T[]) {
  const ids = views.map((v) => v.id);
  const rows =
    ids.length === 0
      ? []
      : await services.database.db
          .select({ id: generations.id, ranIn: generations.ranIn })
          .from(generations)
          .where(inArray(generations.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r.ranIn]));
  return views.map((v) => ({ ...v, ranIn: byId.get(v.id) ?? null }));
}
