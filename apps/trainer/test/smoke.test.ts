import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadInferenceModel } from "@diffusion-studio/models/node";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readArtifacts } from "../src/api/runs.js";
import { resolveConfig } from "../src/config/resolve.js";
import { runPaths } from "../src/run/layout.js";
import { createRunDir } from "../src/run/run-dir.js";
import { runTraining } from "../src/train/run.js";
import { scratch, testSet, trainSet } from "./helpers.js";

/**
 * The CI smoke training: class-conditioned flow matching at D=8 for 300 steps on 3,200 real MNIST digits. The loss
 * must fall clearly and every artifact must be there and readable.
 */
describe("smoke training", () => {
  it("lowers the loss and writes every artifact", async () => {
    const config = resolveConfig("flow-class", {
      hidden: 8,
      batch: 32,
      trainExamples: 3200,
      epochs: 3,
      "flow.sampleSteps": 8,
      "samples.count": 20,
    });
    const dir = createRunDir(path.join(scratch("trainer-smoke-"), "flow-class"), config);
    const outcome = await runTraining({
      dir,
      trainSet: await trainSet(),
      artist: { testSet: await testSet(), gifFrames: 8 },
    });
    console.log(`smoke run: ${dir}`);
    expect(outcome).toEqual({ state: "done", step: 300, totalSteps: 300 });

    const art = readArtifacts(dir);
    const losses = art.metrics.map((m) => m.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = losses[0]!; // the run logged every step
    const last = mean(losses.slice(-50));
    // Flow matching starts near E‖x1 − x0‖² per pixel ≈ 1.1 (the untrained net outputs ≈ 0); a working D=8 model
    // is below 0.3 within 300 steps, and each epoch's mean loss is below the previous one's.
    expect(first).toBeGreaterThan(0.9);
    expect(last).toBeLessThan(0.3);
    expect(last).toBeLessThan(0.3 * first);
    const epochMeans = [0, 1, 2].map((e) => mean(art.metrics.filter((m) => m.epoch === e).map((m) => m.loss)));
    const [mean0, mean1, mean2] = epochMeans as [number, number, number];
    expect(mean1).toBeLessThan(mean0);
    expect(mean2).toBeLessThan(mean1);
    console.log(
      `smoke: loss ${first.toFixed(3)} → ${last.toFixed(3)}; epoch means ${epochMeans.map((m) => m.toFixed(3))}`,
    );

    const paths = runPaths(dir);
    expect(art.grids.map((g) => path.basename(g))).toEqual(["epoch-001.png", "epoch-002.png", "epoch-003.png"]);
    for (const file of [...art.grids, paths.lossPng]) expect((await sharp(file).metadata()).format).toBe("png");
    expect(readFileSync(paths.lossSvg, "utf8")).toContain("<svg");
    const gif = await sharp(paths.trajectoryGif, { pages: -1 }).metadata();
    expect(gif.format).toBe("gif");
    expect(gif.pages).toBe(9);
    for (const file of [paths.config, paths.status, paths.events, paths.cardJson, paths.cardMarkdown]) {
      expect(existsSync(file)).toBe(true);
    }
    expect(art.card).toMatchObject({ experiment: "flow-class", training: { epochs: 3, steps: 300 } });
    expect(art.card!.training.finalLoss).toBeLessThan(0.3);
    // The card says what ran: the 3,200 digits used (not all 60,000) and the provider that executed the steps.
    expect(art.card!.data.examples).toBe(3200);
    expect(art.card!.training.engine).toMatch(/^onnxruntime-node \d+\.\d+\.\d+ \((cpu|cuda)\), one ONNX graph/);
    // The exported model loads and predicts a velocity of the right shape.
    const model = await loadInferenceModel(new Uint8Array(readFileSync(paths.model)));
    expect(model.card).toMatchObject({ kind: "flow-class", D: 8 });
    const y = await model.run({ x: new Float32Array(784), t: new Float32Array([0.5]), c: new Float32Array(10) });
    expect(y).toHaveLength(784);
    await model.dispose();
  }, 180_000);
});
