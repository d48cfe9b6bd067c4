import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { testServices } from "../support/services";

// What the Workers page and the training form read: system.workers, system.retryDeadLetter, training.estimate.
// Generations run on the echo executor (test/fixtures/echo-worker.mjs): seed 2 makes it fail every attempt.

const TOKEN = "correct-horse-battery-staple";
type TestServices = Awaited<ReturnType<typeof testServices>>;
let services: TestServices;
let team: ReturnType<typeof createCaller>;
let anonymous: ReturnType<typeof createCaller>;

beforeAll(async () => {
  services = await testServices({ TEAM_TOKEN: TOKEN, TRAINING_MAX_MEMORY_MB: "4096" });
  team = createCaller(await createContext({ headers: new Headers({ authorization: `Bearer ${TOKEN}` }), services }));
  anonymous = createCaller(await createContext({ headers: new Headers(), services }));
}, 60_000);
afterAll(async () => services?.dispose());

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const failing = {
  procedure: "generate" as const,
  modelId: "flow-class-d64",
  prompts: ["a handwritten 7"],
  steps: 2,
  guidance: 5,
  seed: 2,
  batch: 1,
};

describe("system.workers", () => {
  it("lists the portal's own worker, live, with its device queues and slots", async () => {
    const o = await until("the portal's worker", async () => {
      const overview = await anonymous.system.workers();
      return overview.workers.length > 0 ? overview : undefined;
    });
    expect(o.workers).toHaveLength(1);
    const [w] = o.workers;
    expect(w).toMatchObject({ live: true, running: [] });
    expect(w!.name).toMatch(/^portal@/);
    expect(w!.queues.map((q) => q.queue).sort()).toEqual(["generate-cpu", "train-cpu"]);
    expect(w!.queues.every((q) => q.slots >= 1 && q.active === 0)).toBe(true);
    expect(Date.now() - new Date(w!.lastHeartbeat).getTime()).toBeLessThan(120_000);
    expect(o.queues.map((q) => q.name).sort()).toEqual(["generate-cpu", "generate-cuda", "train-cpu", "train-cuda"]);
    expect(o.deadLetters).toEqual([]);
  });

  it("keeps a generation that failed every attempt as a dead letter, and retries it", async () => {
    const { id } = await team.generations.create(failing);
    // Three attempts (retry backoff 1 s, then 2 s), then the dead letter.
    const letter = await until("the dead letter", async () =>
      (await anonymous.system.workers()).deadLetters.find((l) => l.subject === id),
    );
    expect(letter).toMatchObject({ queue: "generate-cpu", error: expect.stringContaining("boom") });
    expect(Number.isNaN(Date.parse(letter.failedAt))).toBe(false);

    // Retrying needs the team token, like every other action.
    await expect(anonymous.system.retryDeadLetter({ id: letter.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await team.system.retryDeadLetter({ id: letter.id })).toEqual({ retried: true });
    const after = await anonymous.system.workers();
    expect(after.deadLetters.find((l) => l.id === letter.id)).toBeUndefined();
    // The generation runs again (and, failing again, comes back as a new letter).
    const again = await until("the retried generation's new dead letter", async () =>
      (await anonymous.system.workers()).deadLetters.find((l) => l.subject === id && l.id !== letter.id),
    );
    expect(again.queue).toBe("generate-cpu");

    await expect(team.system.retryDeadLetter({ id: letter.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `id: no dead letter '${letter.id}'`,
    });
  }, 60_000);
});

describe("training.estimate", () => {
  it("answers the experiment's own figures for its defaults", async () => {
    const flow = (await anonymous.training.experiments()).find((e) => e.name === "flow-class")!;
    const e = await anonymous.training.estimate({ experiment: "flow-class", overrides: {} });
    expect(e).toMatchObject({ memoryMb: flow.memoryMb, maxMemoryMb: 4096, problem: null });
    expect(e.steps).toBeGreaterThan(0);
  });

  it("grows with batch × hidden and names the fields over the limit, as start would refuse it", async () => {
    const small = await anonymous.training.estimate({
      experiment: "flow-class",
      overrides: { batch: 64, hidden: 32, epochs: 2, trainExamples: 640 },
    });
    expect(small).toMatchObject({ memoryMb: 1296, steps: 20, problem: null });
    // 20 steps of 64 at the speed flow-class-d32's training run measured (its card's steps × batch ÷ wall time).
    expect(small.time?.basis).toMatch(/^flow-class-d32 \(flow-class, D=32, batch 64\): [\d,]+ steps in \d+ min$/);
    expect(small.time?.seconds).toBeCloseTo((20 * 64) / small.time!.imagesPerSecond, 6);
    const big = await anonymous.training.estimate({ experiment: "flow-class", overrides: { batch: 2048, hidden: 64 } });
    expect(big.memoryMb).toBeGreaterThan(4096);
    expect(big.problem).toMatch(/^overrides: batch 2048 at hidden 64 needs about \d+ MB, over the limit of 4096 MB/);
    await expect(
      team.training.start({ experiment: "flow-class", overrides: { batch: 2048, hidden: 64 } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: big.problem });
  });

  it("refuses what the trainer refuses, naming the field", async () => {
    await expect(anonymous.training.estimate({ experiment: "nope", overrides: {} })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^experiment: unknown experiment 'nope'/),
    });
    await expect(
      anonymous.training.estimate({ experiment: "flow-class", overrides: { batch: -1 } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/^overrides: /) });
  });
});
