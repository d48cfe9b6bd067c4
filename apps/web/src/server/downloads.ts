import "server-only";
import { zipSync } from "fflate";
import sharp from "sharp";
import { ApiError } from "@/shared/errors";
import {
  generationFileStem,
  type ImageRecipe,
  imageFileName,
  readImageRecipe,
  recipeChunks,
} from "@/shared/image-recipe";
import { addPngText } from "@/shared/png-text";
import type { GenerationView } from "./generations";
import type { Services } from "./services";

/** A file to send: its bytes, type and the name the browser saves it under. */
export interface Download {
  readonly body: Uint8Array;
  readonly type: string;
  readonly name: string;
}

type Stored = { readonly name: string; readonly label: string; readonly bytes: Uint8Array };

/** A finished generation's images, read from the artifact store (any host), each with the name it is saved under. */
async function storedImages(services: Pick<Services, "store">, g: GenerationView): Promise<Stored[]> {
  if (g.status !== "done" || g.images.length === 0) {
    throw new ApiError("BAD_REQUEST", `id: generation '${g.id}' has no finished images (it is ${g.status})`);
  }
  const used = new Set<string>();
  return Promise.all(
    g.images.map(async (image, k) => {
      const key = `artifacts/${decodeURIComponent(image.url.replace(/^\/api\/artifacts\//, ""))}`;
      const bytes = await services.store.get(key);
      if (!bytes) throw new ApiError("NOT_FOUND", `id: image ${k} of generation '${g.id}' is missing from the store`);
      let name = imageFileName(g.recipe, g.modelId, image.label, k);
      // Labels are unique within a generation; the index keeps names unique whatever they are.
      if (used.has(name)) name = name.replace(/\.png$/, `-${k}.png`);
      used.add(name);
      return { name, label: image.label, bytes };
    }),
  );
}

/** Item `n` of a generation, named for what it is (`7-seed0-flow-class-d64.png`). */
export async function imageDownload(services: Pick<Services, "store">, g: GenerationView, n: number) {
  const images = await storedImages(services, g);
  const image = images[n];
  if (!image) throw new ApiError("NOT_FOUND", `n: generation '${g.id}' has ${images.length} images`);
  return { body: image.bytes, type: "image/png", name: image.name } satisfies Download;
}

/** Every image of a generation (each carrying its recipe) and `recipe.json`, as one zip. */
export async function zipDownload(services: Pick<Services, "store">, g: GenerationView): Promise<Download> {
  const images = await storedImages(services, g);
  const entries: Record<string, Uint8Array> = {};
  for (const image of images) entries[image.name] = image.bytes;
  const recipe = { recipe: g.recipe, modelId: g.modelId, createdAt: g.createdAt, images: images.map((i) => i.name) };
  entries["recipe.json"] = new TextEncoder().encode(`${JSON.stringify(recipe, null, 2)}\n`);
  // PNGs are compressed already; a fixed date keeps the archive's bytes the same each time.
  const body = zipSync(entries, { level: 0, mtime: new Date("2000-01-01T00:00:00Z") });
  return { body, type: "application/zip", name: `${generationFileStem(g.recipe, g.modelId)}.zip` };
}

/** Tiles at least this many pixels wide (MNIST's 28² shown at 4×, crisp). */
const MIN_TILE = 112;
const LABEL_H = 22;
const GAP = 8;

/**
 * One PNG with every image of a generation in a grid, each labelled, carrying the generation's recipe (the first
 * image's chunk with the sheet as its picture), so dropping the sheet on a page loads the recipe too.
 */
export async function contactSheet(services: Pick<Services, "store">, g: GenerationView): Promise<Download> {
  const images = await storedImages(services, g);
  const metas = await Promise.all(images.map((i) => sharp(i.bytes).metadata()));
  const cell = Math.max(MIN_TILE, ...metas.map((m) => Math.max(m.width ?? 0, m.height ?? 0)));
  const cols = Math.min(images.length, Math.max(1, Math.ceil(Math.sqrt(images.length))));
  const rows = Math.ceil(images.length / cols);
  const width = cols * cell + (cols + 1) * GAP;
  const height = rows * (cell + LABEL_H) + (rows + 1) * GAP;
  const tiles = await Promise.all(
    images.map(async (image, k) => {
      const left = GAP + (k % cols) * (cell + GAP);
      const top = GAP + Math.floor(k / cols) * (cell + LABEL_H + GAP);
      const tile = await sharp(image.bytes)
        .resize(cell, cell, { kernel: "nearest", fit: "contain", background: "#000000" })
        .png()
        .toBuffer();
      const label = Buffer.from(
        `<svg width="${cell}" height="${LABEL_H}"><text x="${cell / 2}" y="${LABEL_H - 7}" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#e4e4e7" text-anchor="middle">${escapeXml(truncate(image.label, Math.floor(cell / 7)))}</text></svg>`,
      );
      return [
        { input: tile, left, top },
        { input: label, left, top: top + cell },
      ];
    }),
  );
  const png = await sharp({ create: { width, height, channels: 3, background: "#18181b" } })
    .composite(tiles.flat())
    .png()
    .toBuffer();
  const first = readImageRecipe(images[0]!.bytes);
  const body = first.ok
    ? addPngText(new Uint8Array(png), recipeChunks(sheetRecipe(first.meta, images.length, width, height)))
    : new Uint8Array(png);
  return { body, type: "image/png", name: `${generationFileStem(g.recipe, g.modelId)}-sheet.png` };
}

function sheetRecipe(meta: ImageRecipe, count: number, width: number, height: number): ImageRecipe {
  return { ...meta, image: { ...meta.image, index: 0, label: `contact sheet of ${count} images`, width, height } };
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTTP response of a download: saved under its name, never rendered as a page. */
export function downloadResponse(d: Download): Response {
  const ascii = d.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return new Response(new Uint8Array(d.body), {
    headers: {
      "content-type": d.type,
      "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.name)}`,
      "cache-control": "private, no-cache",
      "x-content-type-options": "nosniff",
    },
  });
}
