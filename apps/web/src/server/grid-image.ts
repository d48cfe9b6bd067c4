import "server-only";
import sharp from "sharp";
import { ApiError } from "@/shared/errors";
import { AXIS_PARAMS, type GridAxes, isFinished, valueLabel } from "@/shared/grids";
import { type ImageRecipe, PARAMETERS_KEYWORD, readImageRecipe, recipeChunks } from "@/shared/image-recipe";
import { addPngText, type PngText } from "@/shared/png-text";
import type { Download } from "./downloads";
import type { GridView } from "./grids";
import type { Services } from "./services";

/** A grid PNG's recipe: the image recipe of its base (so dropping it on a form loads the base) plus its axes. */
export interface GridImageRecipe extends ImageRecipe {
  readonly grid: { readonly format: "diffusion-studio/grid@1"; readonly axes: GridAxes };
}

/** Tiles at least this many pixels wide (MNIST's 28² shown at 4×, crisp). */
const MIN_TILE = 112;
const GAP = 8;
const TITLE_H = 30;
const HEADER_H = 24;
const CHAR_W = 7.5;
const FONT = `font-family="DejaVu Sans, sans-serif"`;

/**
 * One PNG of a finished grid: the cells' pictures in rows and columns, the axis values written along the top and the
 * left (an SVG overlay), carrying the grid's recipe. Cells that failed are drawn as a dark tile saying so.
 */
export async function gridImage(services: Pick<Services, "store">, grid: GridView): Promise<Download> {
  const waiting = grid.cells.filter((c) => !isFinished(c.status)).length;
  if (waiting > 0) throw new ApiError("BAD_REQUEST", `id: grid '${grid.id}' has ${waiting} cells still to finish`);
  const pictures = await Promise.all(grid.cells.map((c) => (c.image ? cellBytes(services, c.image.url) : null)));
  const first = pictures.find((p) => p !== null);
  if (!first) throw new ApiError("BAD_REQUEST", `id: grid '${grid.id}' has no finished cells`);

  const { x, y } = grid.axes;
  const cols = x.values.length;
  const rows = y?.values.length ?? 1;
  const sizes = await Promise.all(pictures.map(async (p) => (p ? sharp(p).metadata() : undefined)));
  const tile = Math.max(MIN_TILE, ...sizes.map((m) => Math.max(m?.width ?? 0, m?.height ?? 0)));
  const rowLabels = y ? y.values.map((v) => valueLabel(y.param, v)) : [];
  const left = y
    ? Math.min(220, Math.max(72, Math.ceil(Math.max(...rowLabels.map((l) => l.length)) * CHAR_W) + 16))
    : 0;
  const top = TITLE_H + HEADER_H;
  const width = GAP + left + cols * (tile + GAP);
  const height = top + rows * (tile + GAP) + GAP;
  const at = (col: number, row: number) => ({ left: GAP + left + col * (tile + GAP), top: top + row * (tile + GAP) });

  const tiles = await Promise.all(
    grid.cells.map(async (c, k) => {
      const bytes = pictures[k];
      const input = bytes
        ? await sharp(bytes)
            .resize(tile, tile, { kernel: "nearest", fit: "contain", background: "#000000" })
            .png()
            .toBuffer()
        : await sharp({ create: { width: tile, height: tile, channels: 3, background: "#27272a" } })
            .png()
            .toBuffer();
      return { input, ...at(c.x, c.y) };
    }),
  );
  const svg = labelsSvg(grid, { width, height, tile, left, cols, rows, at, rowLabels });
  const png = await sharp({ create: { width, height, channels: 3, background: "#18181b" } })
    .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
    .png()
    .toBuffer();

  const read = readImageRecipe(first);
  const body = read.ok
    ? addPngText(new Uint8Array(png), gridChunks(grid, read.meta, width, height))
    : new Uint8Array(png);
  return { body, type: "image/png", name: `${gridFileStem(grid)}.png` };
}

interface Layout {
  width: number;
  height: number;
  tile: number;
  left: number;
  cols: number;
  rows: number;
  at: (col: number, row: number) => { left: number; top: number };
  rowLabels: string[];
}

/** The title, the x values above the columns, the y values left of the rows, and failed cells' states. */
function labelsSvg(grid: GridView, l: Layout): string {
  const { x } = grid.axes;
  const texts: string[] = [];
  const text = (tx: number, ty: number, s: string, attrs = "") =>
    texts.push(`<text x="${tx}" y="${ty}" ${FONT} ${attrs}>${escapeXml(s)}</text>`);
  text(GAP, 20, truncate(title(grid), Math.floor((l.width - 2 * GAP) / CHAR_W)), `font-size="14" fill="#fafafa"`);
  x.values.forEach((v, col) => {
    const { left } = l.at(col, 0);
    const label = truncate(valueLabel(x.param, v), Math.floor(l.tile / CHAR_W));
    text(left + l.tile / 2, TITLE_H + 16, label, `font-size="12" fill="#c7d2fe" text-anchor="middle"`);
  });
  l.rowLabels.forEach((label, row) => {
    const { top } = l.at(0, row);
    text(
      l.left,
      top + l.tile / 2 + 4,
      truncate(label, Math.floor(l.left / CHAR_W) - 1),
      `font-size="12" fill="#c7d2fe" text-anchor="end"`,
    );
  });
  for (const c of grid.cells) {
    if (c.image) continue;
    const { left, top } = l.at(c.x, c.y);
    text(left + l.tile / 2, top + l.tile / 2 + 4, c.status, `font-size="12" fill="#fca5a5" text-anchor="middle"`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}">${texts.join("")}</svg>`;
}

/** "7 · flow-class-d64 · CFG γ × Steps". */
function title(grid: GridView): string {
  const b = grid.base;
  const prompt = b.procedure === "generate" ? b.prompts[0] : `SDEdit: ${b.prompt}`;
  const axes = [grid.axes.x, grid.axes.y].flatMap((a) => (a ? [AXIS_PARAMS[a.param].label] : [])).join(" × ");
  return `${prompt} · ${b.modelId} · ${axes}`;
}

/** The recipe chunk (base recipe, model, the grid's axes) and a parameters line with AUTOMATIC1111's X/Y plot fields. */
function gridChunks(grid: GridView, cell: ImageRecipe, width: number, height: number): PngText[] {
  const { x, y } = grid.axes;
  const label = `grid ${[x, y].flatMap((a) => (a ? [AXIS_PARAMS[a.param].label] : [])).join(" × ")} (${x.values.length}×${y?.values.length ?? 1})`;
  const meta: GridImageRecipe = {
    ...cell,
    recipe: grid.base,
    image: { ...cell.image, index: 0, label, width, height, seed: grid.base.seed },
    grid: { format: "diffusion-studio/grid@1", axes: grid.axes },
  };
  const plot = [x, y].flatMap((a, k) =>
    a ? [`${"XY"[k]} Type: ${AXIS_PARAMS[a.param].a1111}`, `${"XY"[k]} Values: "${a.values.join(", ")}"`] : [],
  );
  return recipeChunks(meta).map(([keyword, text]) => [
    keyword,
    keyword === PARAMETERS_KEYWORD ? `${text}, Script: X/Y plot, ${plot.join(", ")}` : text,
  ]);
}

/** `grid-7-guidance-x-steps-flow-class-d64`. */
function gridFileStem(grid: GridView): string {
  const b = grid.base;
  const what = b.procedure === "generate" ? b.prompts[0]!.replace(/^a handwritten /i, "") : "sdedit";
  const axes = [grid.axes.x, grid.axes.y].flatMap((a) => (a ? [a.param] : [])).join("-x-");
  return `grid-${what}-${axes}-${b.modelId}`
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
}

async function cellBytes(services: Pick<Services, "store">, url: string): Promise<Uint8Array> {
  const key = `artifacts/${decodeURIComponent(url.replace(/^\/api\/artifacts\//, ""))}`;
  const bytes = await services.store.get(key);
  if (!bytes) throw new ApiError("NOT_FOUND", `id: a cell's image is missing from the store (${url})`);
  return bytes;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
