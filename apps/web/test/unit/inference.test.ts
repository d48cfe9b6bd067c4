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
import type { JobEvent } from "@/shared/jobs";
import { writeTestModel } from "../support/model";
import { anagramRecipe } from "../support/recipes";
import { testServices } from "../support/services";

// The real worker (compiled by `tsc -p tsconfig.worker.json`, which the test script runs first).
const WORKER = path.resolve(import.meta.dirname, "../../dist/worker/main.js");

type TestServices = Awaited<ReturnType<typeof testServices>>;
let services: TestServices;
let modelsDir: string;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-models-"));
  await writeTestModel(modelsDir, "test-flow-class");
  await writeTestModel(modelsDir, "test-ddpm-class", "ddpm-class");
  await writeTestModel(modelsDir, "test-classifier", "classifier");
  services = await testServices({ MODELS_DIR: modelsDir, WORKER_SCRIPT: WORKER, QUEUE_LIMIT: "8" });
  caller = createCaller(await createContext({ headers: new Headers(), services }));
}, 120_000);

afterAll(async () => {
  await services?.dispose();
  await fs.rm(modelsDir, { recursive: true, force: true });
});

async function finish(id: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const e of services.generations.events(id, {})) events.push(e.event);
  return events;
}

async function bytesOf(url: string): Promise<string> {
  const rel = decodeURIComponent(url.replace("/api/artifacts/", ""));
  return createHash("sha256")
    .update(await fs.readFile(path.join(services.dataDir.artifacts, rel)))
    .digest("hex");
}

async function upload(png: Buffer): Promise<string> {
  const stored = await storeUpload(services.dataDir.artifacts, png);
  await services.database.db.insert(uploads).values(stored);
  return stored.id;
}

const digit = () =>
  sharp({ create: { width: 28, height: 28, channels: 3, background: "#000" } })
    .composite([
      {
        input: Buffer.from('<svg width="28" height="28"><rect x="12" y="4" width="4" height="20" fill="#fff"/></svg>'),
      },
    ])
    .png()
    .toBuffer();

describe("inference through the worker pool", () => {
  it("lists exported diffusion models with what they support, and leaves out the classifier", async () => {
    const models = (await caller.models.list()).filter((m) => m.source === "configured");
    expect(models.map((m) => m.id).sort()).toEqual(["test-ddpm-class", "test-flow-class"]);
    const flow = models.find((m) => m.id === "test-flow-class")!;
    expect(flow).toMatchObject({ name: "Test flow-class", shape: [1, 28, 28], defaults: { sampler: "flow-euler" } });
    expect(flow.conditioning.type).toBe("class");
    expect(flow.procedures).toContain("anagram");
  });

  it("generates digits from a prompt, streams progress, and re-runs to the same bytes", async () => {
    const recipe = {
      procedure: "generate",
      modelId: "test-flow-class",
      prompts: ["a handwritten 7", "three"] as string[],
      steps: 4,
      guidance: 5,
      seed: 42,
      batch: 2,
    } as const;
    const { id } = await caller.generations.create(recipe);
    const events = await finish(id);
    expect(events.filter((e) => e.type === "progress").length).toBeGreaterThan(0);
    // Progress from the very first step of each prompt's loop.
    expect(events.find((e) => e.type === "progress")).toMatchObject({ step: 1, total: 4 });
    expect(events.filter((e) => e.type === "image").length).toBe(4);
    const done = events.at(-1);
    if (done?.type !== "done") throw new Error(`job ended with ${JSON.stringify(done)}`);
    expect(done.images.map((i) => i.label)).toEqual([
      "a handwritten 7 #1",
      "a handwritten 7 #2",
      "three #1",
      "three #2",
    ]);
    const meta = await sharp(
      path.join(services.dataDir.artifacts, decodeURIComponent(done.images[0]!.url.slice(15))),
    ).metadata();
    expect(meta).toMatchObject({ width: 28, height: 28, format: "png" });

    const saved = await caller.generations.get({ id });
    expect(saved).toMatchObject({ status: "done", recipe });
    const again = await caller.generations.rerun({ id });
    const rerun = (await finish(again.id)).at(-1);
    if (rerun?.type !== "done") throw new Error("re-run failed");
    expect(await Promise.all(rerun.images.map((i) => bytesOf(i.url)))).toEqual(
      await Promise.all(done.images.map((i) => bytesOf(i.url))),
    );
  });

  it("runs an SDEdit sweep on an uploaded sketch with a DDPM model, labelling each level", async () => {
    const imageId = await upload(await digit());
    const { id } = await caller.generations.create({
      procedure: "sdedit",
      modelId: "test-ddpm-class",
      imageId,
      prompt: "a handwritten 1",
      iStarts: [1, 3, 5],
      steps: 6,
      guidance: 5,
      seed: 1,
    });
    const events = await finish(id);
    const done = events.at(-1);
    if (done?.type !== "done") throw new Error(JSON.stringify(done));
    expect(done.images.map((i) => i.label)).toEqual(["source", "i_start = 1", "i_start = 3", "i_start = 5"]);
    // Level by level: each level's steps name it, and its result arrives before the next level starts.
    const stream = events.flatMap((e) =>
      e.type === "progress"
        ? [`level ${e.stage?.index}/${e.stage?.count} (${e.stage?.label}) step ${e.step}/${e.total}`]
        : e.type === "image"
          ? [e.image.label]
          : [],
    );
    const level = (k: number, label: string, total: number) =>
      Array.from({ length: total }, (_, i) => `level ${k}/3 (${label}) step ${i + 1}/${total}`);
    expect(stream).toEqual([
      "source",
      ...level(1, "i_start = 1", 5),
      "i_start = 1",
      ...level(2, "i_start = 3", 3),
      "i_start = 3",
      ...level(3, "i_start = 5", 1),
      "i_start = 5",
    ]);
  });

  it("inpaints with a mask, and refuses a mask of the wrong size", async () => {
    const imageId = await upload(await digit());
    const mask = await sharp({ create: { width: 28, height: 28, channels: 3, background: "#000" } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="28" height="28"><rect x="0" y="0" width="14" height="28" fill="#fff"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    const maskId = await upload(mask);
    const base = {
      procedure: "inpaint",
      modelId: "test-flow-class",
      imageId,
      prompt: "a 4",
      steps: 3,
      guidance: 5,
      seed: 3,
    } as const;
    const { id } = await caller.generations.create({ ...base, maskId });
    const done = (await finish(id)).at(-1);
    expect(done?.type === "done" && done.images.map((i) => i.label)).toEqual(["source", "mask", "inpainted"]);

    const wrong = await upload(
      await sharp({ create: { width: 30, height: 28, channels: 3, background: "#fff" } })
        .png()
        .toBuffer(),
    );
    await expect(caller.generations.create({ ...base, maskId: wrong })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "maskId: the mask is 30×28 but the image is 28×28",
    });
  });

  it("makes a flip anagram and shows each view", async () => {
    const { id } = await caller.generations.create({
      ...anagramRecipe(
        "test-flow-class",
        [
          ["a handwritten 6", "identity"],
          ["a handwritten 9", "flip"],
        ],
        5,
      ),
      steps: 3,
    });
    const done = (await finish(id)).at(-1);
    expect(done?.type === "done" && done.images.map((i) => i.label)).toEqual([
      "identity: a handwritten 6",
      "flip: a handwritten 9",
    ]);
  });

  it("makes a hybrid image and runs the lab's loops", async () => {
    const labels = async (recipe: Parameters<typeof caller.generations.create>[0]) => {
      const done = (await finish((await caller.generations.create(recipe)).id)).at(-1);
      if (done?.type !== "done") throw new Error(JSON.stringify(done));
      return done.images.map((i) => i.label);
    };
    const base = { modelId: "test-flow-class", seed: 2 } as const;
    expect(
      await labels({
        ...base,
        procedure: "hybrid",
        lowPrompt: "a 0",
        highPrompt: "a 1",
        sigma: 2,
        steps: 3,
        guidance: 5,
      }),
    ).toEqual(["hybrid: a 0 / a 1"]);
    const imageId = await upload(await digit());
    expect(await labels({ ...base, procedure: "forward", imageId, ts: [250, 500, 750] })).toEqual([
      "clean",
      "t = 250",
      "t = 500",
      "t = 750",
    ]);
    const compare = await labels({ ...base, procedure: "denoise-compare", imageId, iStart: 10, prompt: "a 1" });
    expect(compare.slice(0, 4)).toEqual(["clean", "noisy (i_start = 10)", "Gaussian blur", "one-step"]);
    expect(compare.at(-1)).toBe("iterative");
    // The default 50 flow steps from level 10 leave 40; every 5th is kept.
    expect(compare.filter((l) => l.startsWith("iterative, step"))).toHaveLength(7);
    expect(await labels({ ...base, procedure: "cfg-compare", prompt: "a 8", steps: 3, guidance: 5, batch: 2 })).toEqual(
      ["no CFG #1", "no CFG #2", "γ = 5 #1", "γ = 5 #2"],
    );
  });

  it("refuses prompts a digit model cannot read, and procedures it does not offer", async () => {
    await expect(
      caller.generations.create({
        procedure: "generate",
        modelId: "test-flow-class",
        prompts: ["a cat"],
        steps: 2,
        guidance: 1,
        seed: 0,
        batch: 1,
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^prompts: "a cat" must name exactly one digit/),
    });
  });

  it("answers 30 simultaneous requests with a result or 'busy', loses none, and stays responsive", async () => {
    const recipe = {
      procedure: "generate",
      modelId: "test-flow-class",
      prompts: ["a 1"] as string[],
      steps: 2,
      guidance: 0,
      seed: 0,
      batch: 1,
    } as const;
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => caller.generations.create({ ...recipe, seed: i })),
    );
    const accepted = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.id] : []));
    const busy = settled.flatMap((s) =>
      s.status === "rejected" ? [s.reason as { code: string; message: string }] : [],
    );
    expect(accepted.length + busy.length).toBe(30);
    expect(busy.length).toBeGreaterThan(0);
    for (const b of busy) {
      expect(b.code).toBe("TOO_MANY_REQUESTS");
      expect(b.message).toMatch(/^busy: retry after \d+ s$/);
    }
    // The API keeps answering while the queue is full.
    expect((await caller.system.status()).queue.waiting).toBeGreaterThan(0);
    const outcomes = await Promise.all(accepted.map(async (id) => (await finish(id)).at(-1)?.type));
    expect(outcomes).toEqual(accepted.map(() => "done"));
    const stored = await caller.generations.list({ procedures: ["generate"], limit: 100 });
    for (const id of accepted) expect(stored.find((g) => g.id === id)?.status).toBe("done");
  });
});
