import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { testServices } from "../support/services";

let services: Awaited<ReturnType<typeof testServices>>;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  services = await testServices({ GENERATION_MAX_EVALS: "5000", TRAINING_MAX_MEMORY_MB: "2048" });
  caller = createCaller(await createContext({ headers: new Headers(), services }));
});
afterAll(async () => services?.dispose());

describe("admission: work an operator did not agree to is refused before it is queued", () => {
  it("refuses a generation over GENERATION_MAX_EVALS, naming what to lower, and accepts one under it", async () => {
    const recipe = {
      procedure: "generate",
      modelId: "flow-class-d64",
      prompts: ["a handwritten 7"],
      steps: 200,
      guidance: 5,
      seed: 0,
      batch: 16,
    } as const;
    // 16 images × 200 steps × 2 CFG branches = 6,400 evaluations of the reference model.
    await expect(caller.generations.create({ ...recipe, prompts: [...recipe.prompts] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(
        /^steps: this recipe needs about 6,400 model evaluations .* limit of 5,000 .* lower batch or steps$/,
      ),
    });
    const waiting = (await caller.system.status()).queue.waiting;
    expect(waiting).toBe(0);
    await expect(
      caller.generations.create({ ...recipe, prompts: [...recipe.prompts], batch: 4 }),
    ).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("refuses a training run whose estimated memory exceeds TRAINING_MAX_MEMORY_MB, and queues nothing", async () => {
    await expect(
      caller.training.start({ experiment: "flow-class", overrides: { batch: 512, hidden: 64 } }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(
        /^overrides: batch 512 at hidden 64 needs about \d+ MB, over the limit of 2048 MB/,
      ),
    });
    expect(await caller.training.list()).toEqual([]);
  });
});
