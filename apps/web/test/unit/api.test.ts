import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import type { View } from "@/shared/recipes";
import { anagramRecipe } from "../support/recipes";
import { testServices } from "../support/services";

type TestServices = Awaited<ReturnType<typeof testServices>>;
let services: TestServices;

beforeAll(async () => {
  services = await testServices({ TEAM_TOKEN: "correct-horse-battery-staple" });
});
afterAll(async () => services?.dispose());

const authorized = () =>
  new Headers({ authorization: "Bearer correct-horse-battery-staple", "content-type": "application/json" });

/** Calls the API over HTTP exactly as the browser does, to see the error shape clients get. */
async function http(pathAndQuery: string, init: RequestInit & { headers?: Headers } = {}) {
  const req = new Request(`http://127.0.0.1/api/trpc/${pathAndQuery}`, init);
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, services }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { message: string; data: { code: string } } } };
}

const validGenerate = {
  procedure: "generate",
  modelId: "mnist-class-fm",
  prompts: ["a handwritten 7"],
  steps: 300,
  guidance: 5,
  seed: 0,
  batch: 4,
};

describe("API gateway", () => {
  it("reports its state and offers the embedded default models before anything is installed", async () => {
    const caller = createCaller(await createContext({ headers: new Headers(), services }));
    const models = await caller.models.list();
    // The wider class-conditioned flow model comes first (pickers default to it); the classifier is not a generator.
    expect(models[0]).toMatchObject({ id: "flow-class-d64", source: "embedded", isDefault: true, width: 64 });
    expect(models[1]).toMatchObject({ id: "flow-class-d32", width: 32 });
    expect(models.map((m) => m.id)).toContain("flow-time-d32");
    expect(models.map((m) => m.id)).not.toContain("classifier");
    const status = await caller.system.status();
    expect(status).toMatchObject({ database: "pglite", tokenRequired: true, authorized: false });
    expect(status.queue).toMatchObject({ running: 0, waiting: 0 });
  });

  it("refuses mutations without the team token", async () => {
    const caller = createCaller(await createContext({ headers: new Headers(), services }));
    await expect(caller.generations.create({ ...validGenerate, procedure: "generate" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("answers an unknown model with NOT_FOUND naming the field", async () => {
    const caller = createCaller(await createContext({ headers: authorized(), services }));
    await expect(caller.generations.create({ ...validGenerate, procedure: "generate" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "modelId: unknown model 'mnist-class-fm'",
    });
  });

  it.each([
    [{ steps: 5000 }, "steps: must be a whole number between 1 and 1000"],
    [{ steps: 0 }, "steps: must be a whole number between 1 and 1000"],
    [{ guidance: 31 }, "guidance: CFG γ must be a number between 0 and 30"],
    [{ guidance: -1 }, "guidance: CFG γ must be a number between 0 and 30"],
    [{ seed: 1.5 }, "seed: must be a whole number between 0 and 4294967295"],
    [{ batch: 17 }, "batch: must be between 1 and 16"],
  ])("rejects %o over HTTP with BAD_REQUEST and a readable message", async (patch, message) => {
    const res = await http("generations.create", {
      method: "POST",
      headers: authorized(),
      body: JSON.stringify({ ...validGenerate, ...patch }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.code).toBe("BAD_REQUEST");
    expect(res.body.error?.message).toBe(message);
  });

  it("refuses a prompt or γ for an unconditional model, and an empty prompt for a conditioned one", async () => {
    const refusal = async (patch: object) => {
      const res = await http("generations.create", {
        method: "POST",
        headers: authorized(),
        body: JSON.stringify({ ...validGenerate, steps: 50, ...patch }),
      });
      expect(res.status).toBe(400);
      return res.body.error?.message;
    };
    expect(await refusal({ modelId: "flow-class-d64", prompts: [""] })).toBe(
      "prompts: must not be empty for model 'flow-class-d64'",
    );
    expect(await refusal({ modelId: "flow-time-d32", guidance: 0 })).toBe(
      `prompts: model 'flow-time-d32' is unconditional and takes no prompt (send "" instead of "a handwritten 7")`,
    );
    expect(await refusal({ modelId: "flow-time-d32", prompts: [""] })).toBe(
      "guidance: model 'flow-time-d32' is unconditional, so CFG γ must be 0 (got 5)",
    );
    const caller = createCaller(await createContext({ headers: authorized(), services }));
    const { id } = await caller.generations.create({
      ...validGenerate,
      procedure: "generate",
      modelId: "flow-time-d32",
      prompts: [""],
      guidance: 0,
      steps: 50,
    });
    await caller.generations.cancel({ id });
  });

  it("rejects out-of-range SDEdit levels and unknown views", async () => {
    const sdedit = await http("generations.create", {
      method: "POST",
      headers: authorized(),
      body: JSON.stringify({
        procedure: "sdedit",
        modelId: "m",
        imageId: "3f1c6a57-9f0e-4a53-a3c1-0d5c55d0c0b1",
        prompt: "a high quality photo",
        iStarts: [1, 3, 1000],
        steps: 30,
        guidance: 7,
        seed: 1,
      }),
    });
    expect(sdedit.body.error?.message).toBe("iStarts: each must be a whole number between 0 and 999");
    const anagram = await http("generations.create", {
      method: "POST",
      headers: authorized(),
      body: JSON.stringify(
        anagramRecipe("m", [
          ["a 1", "identity"],
          ["a 7", "spin" as View],
        ]),
      ),
    });
    expect(anagram.body.error?.data.code).toBe("BAD_REQUEST");
    expect(anagram.body.error?.message).toMatch(/^view: one of identity, flip/);
  });

  it("offers the MNIST models every anagram view but negate, and refuses negate for them", async () => {
    const caller = createCaller(await createContext({ headers: authorized(), services }));
    const [model] = await caller.models.list();
    expect(model!.anagramViews).toEqual(["identity", "flip", "rot90", "rot180", "rot270", "skew", "jigsaw"]);
    await expect(
      caller.generations.create(
        anagramRecipe(model!.id, [
          ["a handwritten 4", "identity"],
          ["a handwritten 7", "negate"],
        ]),
      ),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: `view: 'negate' does not suit model '${model!.id}' (one of identity, flip, rot90, rot180, rot270, skew, jigsaw)`,
    });
  });

  it("answers an unknown generation id with NOT_FOUND", async () => {
    const res = await http(`generations.get?input=${encodeURIComponent(JSON.stringify({ id: crypto.randomUUID() }))}`);
    expect(res.status).toBe(404);
    expect(res.body.error?.message).toMatch(/^id: no generation/);
  });
});
