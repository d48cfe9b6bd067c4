/**
 * DeepFloyd IF in the portal, on the committed stand-in export (tiny random UNets: outputs are noise, which is
 * expected): the registry reads the manifest, the real worker runs core's procedures on stage I and upscales with
 * stage II, uploads are centre-cropped to the model's RGB size, and prompts are checked before a job is queued.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploads } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { storeUpload } from "@/server/uploads";
import type { JobEvent, JobImage } from "@/shared/jobs";
import { testServices } from "../support/services";

const WORKER = path.resolve(import.meta.dirname, "../../dist/worker/main.js");
/** The stand-in export (`tooling/deepfloyd/export_if.py standins`): stage I at 16², stage II at 64², a T5 encoder. */
const FIXTURES = path.resolve(import.meta.dirname, "../../../../packages/models/test/fixtures/deepfloyd");
const S1 = 16;
const S2 = 64;

type TestServices = Awaited<ReturnType<typeof testServices>>;
let services: TestServices;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  services = await testServices({ DEEPFLOYD_DIR: FIXTURES, EMBEDDED_MODELS: "0", WORKER_SCRIPT: WORKER });
  caller = createCaller(await createContext({ headers: new Headers(), services }));
}, 120_000);

afterAll(async () => {
  await services?.dispose();
});

async function done(id: string): Promise<readonly JobImage[]> {
  const events: JobEvent[] = [];
  for await (const e of services.generations.events(id, {})) events.push(e.event);
  const last = events.at(-1);
  if (last?.type !== "done") throw new Error(`job ended with ${JSON.stringify(last)}`);
  return last.images;
}

const fileOf = (url: string) =>
  path.join(services.dataDir.artifacts, decodeURIComponent(url.replace("/api/artifacts/", "")));
const hashOf = async (url: string) =>
  createHash("sha256")
    .update(await fs.readFile(fileOf(url)))
    .digest("hex");

/** The decoded pixels: a PNG also carries its recipe, which differs between recipes that make the same picture. */
const pixelsOf = async (url: string) =>
  createHash("sha256")
    .update(await sharp(fileOf(url)).raw().toBuffer())
    .digest("hex");

describe("DeepFloyd IF (DEEPFLOYD_DIR, stand-in export)", () => {
  it("is listed from its manifest: RGB size, stored prompts, free text with the encoder, part A defaults, stage II", async () => {
    const [model] = await caller.models.list();
    expect(model).toMatchObject({
      id: "deepfloyd-if",
      name: "DeepFloyd IF",
      source: "configured",
      shape: [3, S1, S1],
      defaults: { steps: 34, guidance: 7 },
      upscale: { size: S2, noiseLevel: 250 },
    });
    expect(model!.conditioning).toMatchObject({ type: "text", freeText: true });
    expect(model!.promptExamples).toContain("a high quality photo");
    expect(model!.promptExamples).not.toContain("");
    expect(model!.procedures).toEqual(
      expect.arrayContaining(["generate", "sdedit", "inpaint", "anagram", "hybrid", "forward", "cfg-compare"]),
    );
    expect(await caller.models.problems()).toEqual([]);
  });

  it("generates with CFG γ = 7 on part A's 34 steps: 16×16 RGB, same seed gives the same bytes", async () => {
    const recipe = {
      procedure: "generate",
      modelId: "deepfloyd-if",
      prompts: ["a high quality photo"] as string[],
      steps: 34,
      guidance: 7,
      seed: 180,
      batch: 2,
    } as const;
    const first = await done((await caller.generations.create(recipe)).id);
    expect(first.map((i) => i.label)).toEqual(["a high quality photo #1", "a high quality photo #2"]);
    const meta = await sharp(fileOf(first[0]!.url)).metadata();
    expect(meta).toMatchObject({ width: S1, height: S1, channels: 3 });
    const again = await done((await caller.generations.create(recipe)).id);
    expect(await Promise.all(again.map((i) => hashOf(i.url)))).toEqual(
      await Promise.all(first.map((i) => hashOf(i.url))),
    );
    const other = await done((await caller.generations.create({ ...recipe, seed: 181 })).id);
    expect(await hashOf(other[0]!.url)).not.toBe(await hashOf(first[0]!.url));
  });

  it("upscales each stage I result with stage II, keeping the stage I images unchanged", async () => {
    const recipe = {
      procedure: "generate",
      modelId: "deepfloyd-if",
      prompts: ["a rocket ship"] as string[],
      steps: 34,
      guidance: 7,
      seed: 7,
      batch: 1,
    } as const;
    const plain = await done((await caller.generations.create(recipe)).id);
    const images = await done((await caller.generations.create({ ...recipe, upscale: { steps: 3, guidance: 4 } })).id);
    expect(images.map((i) => [i.label, i.width, i.height])).toEqual([
      ["a rocket ship #1", S1, S1],
      [`a rocket ship #1 (${S2}×${S2})`, S2, S2],
    ]);
    expect(await sharp(fileOf(images[1]!.url)).metadata()).toMatchObject({ width: S2, height: S2, channels: 3 });
    expect(await pixelsOf(images[0]!.url)).toBe(await pixelsOf(plain[0]!.url));
  });

  it("runs SDEdit on an uploaded RGB photo, centre-cropped and resized to the model's size", async () => {
    // 60×30: red in the middle 30 columns, green on the 15 columns either side, which the square crop cuts away.
    const photo = await sharp({ create: { width: 60, height: 30, channels: 3, background: "#00ff00" } })
      .composite([
        { input: Buffer.from('<svg width="60" height="30"><rect x="15" width="30" height="30" fill="#f00"/></svg>') },
      ])
      .png()
      .toBuffer();
    const stored = await storeUpload(services.dataDir.artifacts, photo);
    await services.database.db.insert(uploads).values(stored);
    const images = await done(
      (
        await caller.generations.create({
          procedure: "sdedit",
          modelId: "deepfloyd-if",
          imageId: stored.id,
          prompt: "a high quality photo",
          iStarts: [10, 20],
          steps: 34,
          guidance: 7,
          seed: 3,
        })
      ).id,
    );
    expect(images.map((i) => i.label)).toEqual(["source", "i_start = 10", "i_start = 20"]);
    const { data, info } = await sharp(fileOf(images[0]!.url)).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: S1, height: S1, channels: 3 });
    // The crop is red: the green sides were cut off, not squeezed in (only the resampling filter's edge remains).
    for (let y = 0; y < S1; y++) {
      for (let x = 0; x < S1; x++) {
        const [r, g] = [data[(y * S1 + x) * 3]!, data[(y * S1 + x) * 3 + 1]!];
        expect(r).toBeGreaterThan(g);
        if (x >= 2 && x < S1 - 2) expect(r - g).toBeGreaterThan(250);
      }
    }
  });

  it("runs the other part A procedures: inpainting, flip anagram, hybrid, forward, denoising, CFG off/on", async () => {
    const square = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#3060c0" } })
      .png()
      .toBuffer();
    const half = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#000" } })
      .composite([
        { input: Buffer.from('<svg width="40" height="40"><rect width="40" height="20" fill="#fff"/></svg>') },
      ])
      .png()
      .toBuffer();
    const upload = async (png: Buffer) => {
      const stored = await storeUpload(services.dataDir.artifacts, png);
      await services.database.db.insert(uploads).values(stored);
      return stored.id;
    };
    const [imageId, maskId] = await Promise.all([upload(square), upload(half)]);
    const labels = async (recipe: Parameters<typeof caller.generations.create>[0]) =>
      (await done((await caller.generations.create(recipe)).id)).map((i) => i.label);
    const base = { modelId: "deepfloyd-if", seed: 1, steps: 34, guidance: 7 } as const;
    const photo = "a high quality photo";
    expect(await labels({ ...base, procedure: "inpaint", imageId, maskId, prompt: photo })).toEqual([
      "source",
      "mask",
      "inpainted",
    ]);
    const parts = [
      { prompt: "an oil painting of an old man", view: "identity" },
      { prompt: "an oil painting of people around a campfire", view: "flip" },
    ] as const;
    expect(await labels({ ...base, procedure: "anagram", parts: [...parts] })).toHaveLength(2);
    const hybrid = { lowPrompt: "a lithograph of a skull", highPrompt: "a lithograph of waterfalls", sigma: 2 };
    expect(await labels({ ...base, procedure: "hybrid", ...hybrid })).toHaveLength(1);
    expect(
      await labels({ modelId: "deepfloyd-if", seed: 1, procedure: "forward", imageId, ts: [250, 500, 750] }),
    ).toEqual(["clean", "t = 250", "t = 500", "t = 750"]);
    const compare = await labels({
      modelId: "deepfloyd-if",
      seed: 1,
      procedure: "denoise-compare",
      imageId,
      iStart: 10,
      prompt: photo,
    });
    expect(compare.slice(0, 4)).toEqual(["clean", "noisy (i_start = 10)", "Gaussian blur", "one-step"]);
    expect(compare.at(-1)).toBe("iterative");
    expect(await labels({ ...base, procedure: "cfg-compare", prompt: photo, batch: 1 })).toEqual([
      "no CFG #1",
      "γ = 7 #1",
    ]);
  });

  it("refuses a prompt the export has no embedding for when it has no text encoder, before queueing", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-if-noenc-"));
    try {
      await fs.cp(FIXTURES, dir, { recursive: true });
      const manifest = JSON.parse(await fs.readFile(path.join(dir, "manifest.json"), "utf8"));
      manifest.textEncoder = null;
      await fs.writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest));
      const other = await testServices({ DEEPFLOYD_DIR: dir, EMBEDDED_MODELS: "0" });
      try {
        const c = createCaller(await createContext({ headers: new Headers(), services: other }));
        expect((await c.models.get({ id: "deepfloyd-if" })).conditioning).toMatchObject({ freeText: false });
        const generate = (prompts: string[]) =>
          c.generations.create({
            procedure: "generate",
            modelId: "deepfloyd-if",
            prompts,
            steps: 34,
            guidance: 7,
            seed: 0,
            batch: 1,
          });
        await expect(generate(["a high quality photo", "a purple cow"])).rejects.toMatchObject({
          code: "BAD_REQUEST",
          message: expect.stringMatching(
            /^prompts: "a purple cow" is not one of this model's \d+ stored prompts \("an oil painting of a snowy mountain village", .*\); free text needs an export with a T5 text encoder$/,
          ),
        });
        expect(await c.generations.list({ limit: 10 })).toEqual([]);
      } finally {
        await other.dispose();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("a broken DEEPFLOYD_DIR does not stop the portal: no model, and the problem is reported", async () => {
    const missing = path.join(os.tmpdir(), "ds-no-such-export");
    const broken = await testServices({ DEEPFLOYD_DIR: missing, EMBEDDED_MODELS: "0" });
    try {
      const c = createCaller(await createContext({ headers: new Headers(), services: broken }));
      expect(await c.models.list()).toEqual([]);
      expect(await c.models.problems()).toEqual([
        {
          source: `DeepFloyd IF (DEEPFLOYD_DIR=${missing})`,
          message: expect.stringMatching(/manifest\.json not found: point at the folder that `export_if.py export/),
        },
      ]);
    } finally {
      await broken.dispose();
    }
  });
});
