import path from "node:path";
import type { RunEvent } from "@diffusion-studio/trainer/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { testServices } from "../support/services";

const WORKER = path.resolve(import.meta.dirname, "../../dist/worker/main.js");
type TestServices = Awaited<ReturnType<typeof testServices>>;
let services: TestServices;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  services = await testServices({ WORKER_SCRIPT: WORKER });
  caller = createCaller(await createContext({ headers: new Headers(), services }));
});
afterAll(async () => services?.dispose());

/** A run small enough for a test: 4 steps of 64 images on a narrow UNet, few sampling steps for the grids. */
const TINY = { epochs: 2, trainExamples: 128, batch: 64, hidden: 8, logEvery: 1, "flow.sampleSteps": 4 };

/** Resolves at the run's first training step (a cancel before it would stop a run that has not trained yet). */
async function firstStep(id: string) {
  for await (const { event } of services.training.events(id, {})) if (event.type === "step") return;
}

async function waitFor(id: string, states: string[], timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await caller.training.get({ id });
    if (states.includes(d.status.state)) return d;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${d.status.state}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("training runs", () => {
  it("lists the trainer's experiments with their defaults", async () => {
    const list = await caller.training.experiments();
    const flow = list.find((e) => e.name === "flow-class");
    expect(flow?.defaults).toMatchObject({ epochs: expect.any(Number), batch: 64 });
  });

  it("refuses unknown experiments and invalid overrides with the field named", async () => {
    await expect(caller.training.start({ experiment: "nope", overrides: {} })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^experiment: unknown experiment 'nope'/),
    });
    await expect(caller.training.start({ experiment: "flow-class", overrides: { epochs: 0 } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/epochs/),
    });
  });

  it("runs a short training as a job in an executor process, streams its events, and promotes its model to the galleries", async () => {
    const { id } = await caller.training.start({ experiment: "flow-class", overrides: TINY });
    const seen: string[] = [];
    const ctl = new AbortController();
    const watching = (async () => {
      for await (const { event } of services.training.events(id, { signal: ctl.signal })) seen.push(event.type);
    })();
    const done = await waitFor(id, ["done", "failed", "cancelled"]);
    await watching;
    expect(done.status.state).toBe("done");
    expect(seen).toContain("step");
    expect(seen).toContain("epoch");
    expect(seen.at(-1)).toBe("done");
    expect(done.loss.step.length).toBe(4);
    expect(done.grids.map((g) => g.label)).toEqual(["epoch 1", "epoch 2"]);
    expect(done.hasModel).toBe(true);

    const listed = await caller.training.list();
    expect(listed.find((r) => r.id === id)).toMatchObject({ state: "done", overrides: TINY });

    const { modelId } = await caller.training.promote({ id });
    const models = await caller.models.list();
    expect(models.find((m) => m.id === modelId)).toMatchObject({ source: "promoted", conditioning: { type: "class" } });
    const gen = await caller.generations.create({
      procedure: "generate",
      modelId,
      prompts: ["a handwritten 2"],
      steps: 3,
      guidance: 5,
      seed: 0,
      batch: 1,
    });
    let last: string | undefined;
    for await (const e of services.generations.events(gen.id, {})) last = e.event.type;
    expect(last).toBe("done");
  }, 120_000);

  it("cancels a running run, once however often it is asked", async () => {
    const { id } = await caller.training.start({
      experiment: "flow-class",
      overrides: { ...TINY, epochs: 50, trainExamples: 1024 },
    });
    await firstStep(id);
    await caller.training.cancel({ id });
    // A second click while it stops must not become a second SIGINT (the trainer would exit without its checkpoint).
    await caller.training.cancel({ id });
    const end = await waitFor(id, ["cancelled", "done", "failed"]);
    expect(end.status.state).toBe("cancelled");
    expect(end.status.message).toBe("stopped at a checkpoint; resume to continue");
  }, 120_000);

  it("retries a run whose executor process dies, and the stream follows it to the end", async () => {
    const { id } = await caller.training.start({
      experiment: "flow-class",
      overrides: { ...TINY, epochs: 4, trainExamples: 1024, checkpointEvery: 8 },
    });
    const events: RunEvent[] = [];
    let killed = false;
    for await (const { event } of services.training.events(id, {})) {
      events.push(event);
      // Kill the executor after its first checkpoint: the job fails, pg-boss retries it, and it resumes there.
      if (event.type === "checkpoint" && !killed) {
        killed = true;
        const started = events.find((e) => e.type === "started");
        process.kill((started as { pid: number }).pid, "SIGKILL");
      }
    }
    const starts = events.filter((e) => e.type === "started");
    expect(starts.length).toBe(2);
    expect(starts[1]).toMatchObject({ resumedAtStep: 8 });
    expect(events.at(-1)).toMatchObject({ type: "done", step: 64 });
    const done = await caller.training.get({ id });
    expect(done.status.state).toBe("done");
    expect(done.loss.step).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  }, 120_000);

  it("resumes a cancelled run to the end; one event stream follows both sessions; only a stopped run resumes", async () => {
    const total = 160; // 10 epochs of 16 batches
    const { id } = await caller.training.start({
      experiment: "flow-class",
      overrides: { ...TINY, epochs: 10, trainExamples: 1024 },
    });
    await firstStep(id);
    await caller.training.cancel({ id });
    const stopped = await waitFor(id, ["cancelled", "done", "failed"]);
    expect(stopped.status.state).toBe("cancelled");
    expect(stopped.status.step).toBeLessThan(total);

    await caller.training.resume({ id });
    await expect(caller.training.resume({ id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(new RegExp(`^id: run '${id}' is (queued|running)`)),
    });
    const events: RunEvent[] = [];
    for await (const { event } of services.training.events(id, {})) events.push(event);
    const types = events.map((e) => e.type);
    expect(types.indexOf("cancelled")).toBeLessThan(types.lastIndexOf("started"));
    expect(events.filter((e) => e.type === "started").at(-1)).toMatchObject({ resumedAtStep: stopped.status.step });
    expect(events.at(-1)).toMatchObject({ type: "done", step: total });

    const done = await caller.training.get({ id });
    expect(done.status.state).toBe("done");
    // The loss curve runs on across the two sessions: one point per step, none repeated.
    expect(done.loss.step).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await expect(caller.training.resume({ id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: `id: run '${id}' is done; only a cancelled or failed run resumes`,
    });
  }, 180_000);
});
