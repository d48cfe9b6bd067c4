import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readArtifacts } from "../src/api/runs.js";
import { resolveConfig } from "../src/config/resolve.js";
import type { RunEvent } from "../src/run/events.js";
import { runPaths } from "../src/run/layout.js";
import { appendMetric, readMetrics } from "../src/run/metrics.js";
import { createRunDir, readStatus } from "../src/run/run-dir.js";
import { runTraining } from "../src/train/run.js";
import { scratch, testSet, tiny, trainSet } from "./helpers.js";

async function train(
  name: string,
  overrides: Record<string, unknown>,
  extra: { stopAtStep?: number; dir?: string } = {},
) {
  const dir = extra.dir ?? createRunDir(path.join(scratch(), name), resolveConfig(name, overrides));
  const events: RunEvent[] = [];
  const outcome = await runTraining({
    dir,
    threads: 1,
    trainSet: await trainSet(),
    artist: { testSet: await testSet(), trainSet: await trainSet(), gifFrames: 4 },
    onEvent: (e) => events.push(e),
    ...(extra.stopAtStep ? { stopAtStep: extra.stopAtStep } : {}),
  });
  return { dir, events, outcome };
}

describe("resume", () => {
  it("interrupted + resumed gives the uninterrupted run's losses, step for step", async () => {
    const overrides = { ...tiny, "flow.sampleSteps": 4 };
    const full = await train("flow-class", overrides);
    expect(full.outcome).toEqual({ state: "done", step: 40, totalSteps: 40 });

    const part = await train("flow-class", overrides, { stopAtStep: 27 });
    expect(part.outcome.state).toBe("cancelled");
    expect(readStatus(part.dir).state).toBe("cancelled");
    // A process that died after its last checkpoint left extra lines; resuming must drop them.
    appendMetric(runPaths(part.dir).metrics, { step: 28, epoch: 1, loss: 123, lr: 0, wallTime: 0 });
    const resumed = await train("flow-class", overrides, { dir: part.dir });
    expect(resumed.outcome).toEqual({ state: "done", step: 40, totalSteps: 40 });
    expect(resumed.events[0]).toMatchObject({ type: "started", resumedAtStep: 27 });

    const a = readMetrics(runPaths(full.dir).metrics);
    const b = readMetrics(runPaths(part.dir).metrics);
    expect(b.map((m) => m.step)).toEqual(a.map((m) => m.step));
    expect(b.map((m) => m.lr)).toEqual(a.map((m) => m.lr));
    for (let i = 0; i < a.length; i++) expect(b[i]?.loss).toBeCloseTo(a[i]!.loss, 5);
    // The per-epoch ExponentialLR: epoch 2 trains at lr·γ with γ = 0.1^(1/2).
    expect(a[39]?.lr).toBeCloseTo(1e-2 * Math.sqrt(0.1), 8);
    // The sample grids of both runs are the same image.
    const grid = (dir: string) => sharp(runPaths(dir).grid(2)).raw().toBuffer();
    const [ga, gb] = await Promise.all([grid(full.dir), grid(part.dir)]);
    let differing = 0;
    for (let i = 0; i < ga.length; i++) if (Math.abs(ga[i]! - gb[i]!) > 2) differing++;
    expect(differing / ga.length).toBeLessThan(0.01);
  }, 180_000);
});

describe("every objective trains and writes its artifacts", () => {
  const small = { ...tiny, epochs: 1, trainExamples: 96 };

  it("time-conditioned flow: grids, loss curve, GIF, model, card", async () => {
    const { dir, events } = await train("flow-time", { ...small, "flow.sampleSteps": 3 });
    const art = readArtifacts(dir);
    expect(art.status.state).toBe("done");
    expect(art.grids.map((g) => path.basename(g))).toEqual(["epoch-001.png"]);
    for (const file of [art.lossCurve!, art.trajectory!, art.model!]) expect(existsSync(file)).toBe(true);
    expect((await sharp(art.grids[0]).metadata()).width).toBe((10 * 28 + 11) * 2);
    expect(art.card).toMatchObject({ experiment: "flow-time", modelKind: "flow-time", training: { steps: 6 } });
    expect(readFileSync(runPaths(dir).cardMarkdown, "utf8")).toContain("# flow-time (D=4, 1 epoch)");
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["started", "step", "epoch", "checkpoint", "done"]),
    );
    expect(events.at(-1)).toMatchObject({ type: "done", step: 6 });
  }, 120_000);

  it("class-conditioned DDPM on the cosine schedule samples on part A's strided timesteps", async () => {
    const { dir } = await train("ddpm-class-cosine", small);
    const art = readArtifacts(dir);
    expect(art.status.state).toBe("done");
    expect(art.grids).toHaveLength(1);
    expect(art.card?.modelKind).toBe("ddpm-class");
  }, 120_000);

  it("single-step denoiser: σ sweep evaluation and its grid", async () => {
    const { dir } = await train("denoiser", { ...small, hidden: 4 });
    const art = readArtifacts(dir);
    expect(art.evaluation).toMatchObject({ sigmas: [0, 0.2, 0.4, 0.5, 0.6, 0.8, 1] });
    const mse = art.evaluation!.testMse as number[];
    expect(mse).toHaveLength(7);
    expect(existsSync(path.join(dir, "ood-sigma-sweep.png"))).toBe(true);
    // Rows: clean, noisy, denoised — one row per kind, as wide as the sample count (10 here).
    const grid = await sharp(art.grids[0]).metadata();
    expect([grid.width, grid.height]).toEqual([(10 * 28 + 11) * 2, (3 * 28 + 4) * 2]);
    const sweep = await sharp(path.join(dir, "ood-sigma-sweep.png")).metadata();
    expect([sweep.width, sweep.height]).toEqual([(7 * 28 + 8) * 4, (2 * 28 + 3) * 4]);
  }, 120_000);

  it("pure-noise denoiser: compared with the training-set mean image", async () => {
    const { dir } = await train("denoiser-pure-noise", { ...small, hidden: 4 });
    const art = readArtifacts(dir);
    expect(art.evaluation!.mseOutputVsTrainMean).toBeGreaterThanOrEqual(0);
    const mean = await sharp(path.join(dir, "mean-image.png")).metadata();
    expect([mean.width, mean.height]).toEqual([(8 * 28 + 9) * 4, (28 + 2) * 4]);
    expect(art.card?.notes[0]).toMatch(/training-set mean image/);
  }, 120_000);

  it("classifier: test accuracy per digit", async () => {
    const { "samples.count": _count, "samples.scale": _scale, ...noSamples } = small;
    const { dir, events } = await train("classifier", { ...noSamples, hidden: 4 });
    const art = readArtifacts(dir);
    expect(art.grids).toHaveLength(0);
    expect((art.evaluation!.perDigitAccuracy as number[]).length).toBe(10);
    expect(events.some((e) => e.type === "evaluation")).toBe(true);
  }, 120_000);
});
