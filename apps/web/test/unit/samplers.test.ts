/**
 * Samplers in the portal: ModelInfo's sampling defaults and sampler list come from the model's sampling policy (the
 * committed models' measured few-step defaults included), a recipe's sampler is checked against its model and
 * stored by name, the worker runs it, and the Lab's sampler comparison labels each run with its evaluations.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { modelCard } from "@diffusion-studio/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { describeCard } from "@/server/models/model-info";
import { combineRegistries, type RegisteredModel } from "@/server/models/registry";
import { pinRecipeSampler } from "@/server/recipe-sampler";
import type { JobEvent } from "@/shared/jobs";
import { firstIssue, generateRecipe, type Recipe, samplerCompareRecipe } from "@/shared/recipes";
import { writeTestModel } from "../support/model";
import { testServices } from "../support/services";

const WORKER = path.resolve(import.meta.dirname, "../../dist/worker/main.js");

describe("ModelInfo from the sampling policy", () => {
  it("takes the card's recorded sampler, steps and γ, lists the samplers the prediction fits, the course's first", () => {
    const sampling = { sampler: "flow-dpm-solver", steps: 8, guidanceScale: 5 };
    const card = modelCard("flow-class", 8, { sampling, extra: { name: "Mine", description: "My own model." } });
    const info = describeCard("m", card, "embedded")!;
    expect(info.defaults).toEqual({ sampler: "flow-dpm-solver", steps: 8, guidance: 5 });
    expect(info.samplers.map((s) => s.name)).toEqual(["flow-euler", "flow-heun", "flow-dpm-solver"]);
    expect(info.samplers.every((s) => s.description.length > 10)).toBe(true);
    expect(info.courseSteps).toBe(50);
    expect(info).toMatchObject({ name: "Mine", description: "My own model." });
  });

  it("without a record: the course's sampler (flow-euler 50, ddpm T) and no γ for unconditional models", () => {
    const flow = describeCard("f", modelCard("flow-time", 8), "promoted")!;
    expect(flow.defaults).toEqual({ sampler: "flow-euler", steps: 50, guidance: 0 });
    expect(flow.description).toMatch(/^Flow matching UNet \(D=8\), unconditional/);
    const ddpm = describeCard("d", modelCard("ddpm-class", 8), "promoted")!;
    expect(ddpm.defaults).toEqual({ sampler: "ddpm", steps: 300, guidance: 5 });
    expect(ddpm.samplers.map((s) => s.name)).toEqual(["ddpm", "ddim", "dpm-solver"]);
    expect(ddpm.courseSteps).toBe(300);
  });

  it("the registry's first model is the default, and says so", () => {
    const model = (id: string) =>
      ({ info: describeCard(id, modelCard("flow-class", 8), "embedded")! }) as RegisteredModel;
    const registry = combineRegistries([async () => [model("a"), model("b")]]);
    return registry.list().then((list) => expect(list.map((m) => m.info.isDefault)).toEqual([true, undefined]));
  });
});

describe("a recipe's sampler", () => {
  const info = describeCard("flow", modelCard("flow-class", 8), "embedded")!;
  const generate = {
    procedure: "generate",
    modelId: "flow",
    prompts: ["a handwritten 7"],
    steps: 8,
    guidance: 5,
    seed: 0,
    batch: 1,
  } as const satisfies Recipe;

  it("is stored by name: the one asked for, or the course's when none is named (what old recipes ran)", () => {
    expect(pinRecipeSampler({ ...generate, sampler: "flow-heun" }, info)).toMatchObject({ sampler: "flow-heun" });
    expect(pinRecipeSampler(generate, info)).toMatchObject({ sampler: "flow-euler" });
    const forward: Recipe = {
      procedure: "forward",
      modelId: "flow",
      imageId: crypto.randomUUID(),
      ts: [500],
      seed: 0,
    };
    expect(pinRecipeSampler(forward, info)).toEqual(forward);
  });

  it("must be one the model runs, else an error naming the field and the allowed values", () => {
    expect(() => pinRecipeSampler({ ...generate, sampler: "ddim" }, info)).toThrow(
      "sampler: model 'flow' has no sampler 'ddim' (one of flow-euler, flow-heun, flow-dpm-solver)",
    );
    const compare = {
      procedure: "sampler-compare",
      modelId: "flow",
      prompt: "a handwritten 7",
      runs: [
        { sampler: "flow-euler", steps: 8 },
        { sampler: "dpm-solver", steps: 8 },
      ],
      guidance: 5,
      seed: 0,
    } as const satisfies Recipe;
    expect(() => pinRecipeSampler(compare, info)).toThrow("runs.1.sampler: model 'flow' has no sampler 'dpm-solver'");
  });

  it("is refused by the schema when it is no sampler at all, naming the field and the names", () => {
    const parsed = generateRecipe.safeParse({ ...generate, sampler: "euler-a" });
    expect(parsed.success).toBe(false);
    expect(firstIssue(parsed.error!)).toMatch(/^sampler: must be one of flow-euler, ddpm, flow-heun/);
    const empty = samplerCompareRecipe.safeParse({ ...generate, procedure: "sampler-compare", prompt: "7", runs: [] });
    expect(firstIssue(empty.error!)).toBe("runs: choose at least one sampler");
  });
});

describe("samplers through the worker", () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let modelsDir: string;
  let caller: ReturnType<typeof createCaller>;

  beforeAll(async () => {
    modelsDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-samplers-"));
    await writeTestModel(modelsDir, "test-flow-class");
    await writeTestModel(modelsDir, "test-ddpm-class", "ddpm-class");
    services = await testServices({ MODELS_DIR: modelsDir, WORKER_SCRIPT: WORKER });
    caller = createCaller(await createContext({ headers: new Headers(), services }));
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    await fs.rm(modelsDir, { recursive: true, force: true });
  });

  async function labels(recipe: Parameters<typeof caller.generations.create>[0]): Promise<string[]> {
    const { id } = await caller.generations.create(recipe);
    const events: JobEvent[] = [];
    for await (const e of services.generations.events(id, {})) events.push(e.event);
    const done = events.at(-1);
    if (done?.type !== "done") throw new Error(JSON.stringify(done));
    return done.images.map((i) => i.label);
  }

  it("offers the committed default model with its measured few-step default and its own description", async () => {
    const models = await caller.models.list();
    const first = models[0]!;
    expect(first).toMatchObject({ id: "flow-class-d64", isDefault: true, courseSteps: 50 });
    expect(first.samplers.map((s) => s.name)).toContain(first.defaults.sampler);
    expect(first.defaults.steps).toBeLessThanOrEqual(12);
    expect(first.description).toMatch(/^Class-conditioned flow matching/);
    // Each says what it is (the published runs' own names and descriptions, not one template).
    expect(new Set(models.map((m) => m.name)).size).toBe(models.length);
    expect(models.find((m) => m.id === "flow-time-d32")!.description).toMatch(/^Time-conditioned flow matching/);
    expect(models.filter((m) => m.isDefault)).toHaveLength(1);
  });

  it("stores the sampler a generation ran and runs the one asked for", async () => {
    const base: Extract<Recipe, { procedure: "generate" }> = {
      procedure: "generate",
      modelId: "test-flow-class",
      prompts: ["a handwritten 7"],
      steps: 4,
      guidance: 5,
      seed: 3,
      batch: 1,
    };
    const { id } = await caller.generations.create(base);
    expect((await caller.generations.get({ id })).recipe).toMatchObject({ sampler: "flow-euler" });
    await expect(caller.generations.create({ ...base, sampler: "ddim" })).rejects.toThrow(
      "sampler: model 'test-flow-class' has no sampler 'ddim'",
    );
    expect(await labels({ ...base, sampler: "flow-dpm-solver" })).toEqual(["a handwritten 7 #1"]);
  });

  it("compares samplers on one seed, each labelled with the model evaluations it took", async () => {
    const flow = await labels({
      procedure: "sampler-compare",
      modelId: "test-flow-class",
      prompt: "a handwritten 3",
      runs: [
        { sampler: "flow-euler", steps: 6 },
        { sampler: "flow-heun", steps: 4 },
        { sampler: "flow-dpm-solver", steps: 4 },
      ],
      guidance: 5,
      seed: 1,
    });
    expect(flow).toEqual(["flow-euler · 6 NFE", "flow-heun · 3 NFE", "flow-dpm-solver · 4 NFE"]);
    const ddpm = await labels({
      procedure: "sampler-compare",
      modelId: "test-ddpm-class",
      prompt: "a handwritten 3",
      runs: [
        { sampler: "ddpm", steps: 5 },
        { sampler: "ddim", steps: 5 },
        { sampler: "dpm-solver", steps: 5 },
      ],
      guidance: 5,
      seed: 1,
    });
    expect(ddpm).toEqual(["ddpm · 5 NFE", "ddim · 5 NFE", "dpm-solver · 5 NFE"]);
  });
});
