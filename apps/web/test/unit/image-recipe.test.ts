import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { imageBatch } from "@diffusion-studio/core";
import { unzipSync } from "fflate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { importBrowserResult } from "@/server/browser-results";
import { contactSheet, imageDownload, zipDownload } from "@/server/downloads";
import { imageFileName, imageRecipe, readImageRecipe, recipeChunks } from "@/shared/image-recipe";
import type { JobEvent } from "@/shared/jobs";
import type { Recipe } from "@/shared/recipes";
import { ImageWriter } from "@/worker/images";
import { writeTestModel } from "../support/model";
import { testServices } from "../support/services";

/**
 * An independent PNG reader (no code shared with the writer): walks the chunks by length and type, checks each CRC
 * with a table-driven CRC-32 written here, and decodes tEXt (Latin-1) and uncompressed or compressed iTXt (UTF-8).
 */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    out.push({ type, data });
    at += 12 + length;
  }
  expect(out.at(-1)?.type).toBe("IEND");
  return out;
}
function pngText(png: Buffer): Record<string, string> {
  const text: Record<string, string> = {};
  for (const { type, data } of pngChunks(png)) {
    const nul = data.indexOf(0);
    const keyword = data.toString("latin1", 0, nul);
    if (type === "tEXt") text[keyword] = data.toString("latin1", nul + 1);
    if (type === "iTXt") {
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      const body = data.subarray(data.indexOf(0, langEnd + 1) + 1);
      text[keyword] = (compressed ? inflateSync(body) : body).toString("utf8");
    }
  }
  return text;
}

const WORKER = path.resolve(import.meta.dirname, "../../dist/worker/main.js");
let services: Awaited<ReturnType<typeof testServices>>;
let modelsDir: string;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-recipe-"));
  await writeTestModel(modelsDir, "test-flow-class");
  services = await testServices({ MODELS_DIR: modelsDir, WORKER_SCRIPT: WORKER });
  caller = createCaller(await createContext({ headers: new Headers(), services }));
}, 120_000);

afterAll(async () => {
  await services?.dispose();
  await fs.rm(modelsDir, { recursive: true, force: true });
});

async function finish(id: string) {
  const events: JobEvent[] = [];
  for await (const e of services.generations.events(id, {})) events.push(e.event);
  const done = events.at(-1);
  if (done?.type !== "done") throw new Error(`job ended with ${JSON.stringify(done)}`);
  return done;
}

const generate = {
  procedure: "generate",
  modelId: "test-flow-class",
  prompts: ["a handwritten 7", "three"],
  steps: 3,
  guidance: 5,
  seed: 9,
  batch: 2,
} satisfies Recipe;

const fileOf = (url: string) =>
  path.join(services.dataDir.artifacts, decodeURIComponent(url.replace("/api/artifacts/", "")));

describe("the recipe travels with the image", () => {
  it("every PNG of a generation carries its full recipe and an A1111 parameters line", async () => {
    const recipe = generate;
    // Submitting resolves the sampler and pins it in the recipe, so a re-run samples the same way whatever the
    // model's default becomes.
    const stored = { ...recipe, sampler: "flow-euler" };
    const { id } = await caller.generations.create(recipe);
    const done = await finish(id);
    const modelHash = createHash("sha256")
      .update(await fs.readFile(path.join(modelsDir, "test-flow-class.onnx")))
      .digest("hex");

    for (const [index, image] of done.images.entries()) {
      const png = await fs.readFile(fileOf(image.url));
      const text = pngText(png);
      const meta = JSON.parse(text["diffusion-studio:recipe"]!);
      expect(meta.recipe).toEqual(stored);
      expect(meta.model).toEqual({
        id: "test-flow-class",
        name: "Test flow-class",
        sha256: modelHash,
        sampler: "flow-euler",
      });
      const prompt = index < 2 ? "a handwritten 7" : "three";
      const seed = index < 2 ? 9 : 10;
      expect(meta.image).toEqual({ index, label: image.label, kind: "result", width: 28, height: 28, prompt, seed });
      expect(text.parameters).toBe(
        `${prompt}\nSteps: 3, Sampler: flow-euler, CFG scale: 5, Seed: ${seed}, Size: 28x28, Model: test-flow-class, ` +
          `Model hash: ${modelHash.slice(0, 10)}, Procedure: generate, Label: ${image.label}`,
      );
      // The picture itself is unchanged: a grey 28×28 PNG.
      expect(await sharp(png).metadata()).toMatchObject({ width: 28, height: 28, format: "png", channels: 1 });
      // The portal's own reader agrees.
      const read = readImageRecipe(new Uint8Array(png));
      expect(read.ok && read.meta.recipe).toEqual(stored);
    }
    expect(done.images.map((i, k) => imageFileName(recipe, recipe.modelId, i.label, k))).toEqual([
      "7-seed9-test-flow-class.png",
      "7-2-seed9-test-flow-class.png",
      "three-seed10-test-flow-class.png",
      "three-2-seed10-test-flow-class.png",
    ]);

    // Downloads read the store: one image by its name, the zip, the contact sheet, each PNG with its recipe.
    const g = await services.generations.get(id);
    const one = await imageDownload(services, g, 2);
    expect(one.name).toBe("three-seed10-test-flow-class.png");
    expect(JSON.parse(pngText(Buffer.from(one.body))["diffusion-studio:recipe"]!).image.index).toBe(2);
    const zip = await zipDownload(services, g);
    expect(zip.name).toBe("7-seed9-test-flow-class.zip");
    const files = unzipSync(zip.body);
    expect(Object.keys(files).sort()).toEqual([
      "7-2-seed9-test-flow-class.png",
      "7-seed9-test-flow-class.png",
      "recipe.json",
      "three-2-seed10-test-flow-class.png",
      "three-seed10-test-flow-class.png",
    ]);
    for (const [name, bytes] of Object.entries(files)) {
      if (name.endsWith(".png"))
        expect(JSON.parse(pngText(Buffer.from(bytes))["diffusion-studio:recipe"]!).recipe).toEqual(stored);
    }
    // A browser tab's result is stored with the same chunks: the same pixels give the worker's very bytes.
    const pngs = await Promise.all(done.images.map((i) => fs.readFile(fileOf(i.url))));
    const imported = await importBrowserResult(services, {
      recipe,
      images: pngs.map((png, k) => ({ png: png.toString("base64"), label: done.images[k]!.label })),
      ranIn: { backend: "wasm", threads: 1 },
    });
    const fromBrowser = await services.generations.get(imported);
    for (const [k, image] of fromBrowser.images.entries()) {
      expect((await fs.readFile(fileOf(image.url))).equals(pngs[k]!)).toBe(true);
    }

    const sheet = await contactSheet(services, g);
    expect(sheet.name).toBe("7-seed9-test-flow-class-sheet.png");
    const sheetText = pngText(Buffer.from(sheet.body));
    expect(JSON.parse(sheetText["diffusion-studio:recipe"]!).recipe).toEqual(stored);
    expect(await sharp(sheet.body).metadata()).toMatchObject({
      width: 2 * 112 + 3 * 8,
      height: 2 * (112 + 22) + 3 * 8,
    });
  });

  it("writes text that is not Latin-1 as UTF-8 iTXt and keeps the recipe JSON plain ASCII tEXt", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-writer-"));
    try {
      const recipe = { ...generate, prompts: ["a handwritten 7 — γ"] };
      const model = { id: "m", name: "M", samplers: [{ name: "flow-euler", description: "Euler" }] };
      const writer = new ImageWriter(dir, "g", "unit", (image) => recipeChunks(imageRecipe(recipe, model, image)));
      const written = await writer.write(imageBatch([1, 1, 4, 4]), 0, "x̂0 ×2");
      const png = await fs.readFile(path.join(dir, written.path));
      const types = pngChunks(png).map((c) => c.type);
      expect(types.slice(-3)).toEqual(["tEXt", "iTXt", "IEND"]);
      const text = pngText(png);
      expect(text.parameters).toBe(
        "a handwritten 7 — γ\nSteps: 3, Sampler: flow-euler, CFG scale: 5, Seed: 9, Size: 4x4, Model: m, Procedure: generate, Label: x̂0 ×2",
      );
      expect(text["diffusion-studio:recipe"]).toMatch(/^[\x20-\x7e]+$/);
      const meta = JSON.parse(text["diffusion-studio:recipe"]!);
      expect(meta.image.label).toBe("x̂0 ×2");
      expect(meta.recipe).toEqual(recipe);
      expect(meta.model).toEqual({ id: "m", name: "M", sampler: "flow-euler" });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("a PNG without a recipe says so", () => {
    expect(readImageRecipe(new Uint8Array([1, 2, 3]))).toEqual({ ok: false, reason: "not a PNG file" });
  });
});
