import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readArtifacts } from "../src/api/runs.js";
import { evaluateGenerator } from "../src/eval/evaluate.js";
import { runPaths } from "../src/run/layout.js";
import { publishRun } from "../src/run/publish.js";
import { scratch, testSet, trained } from "./helpers.js";

describe("generator evaluation", () => {
  it("reports per-digit sample accuracy and MNIST-FID, caches chunks, and records them in the card", async () => {
    const base = { hidden: 4, batch: 16, trainExamples: 160, epochs: 1 };
    const classifier = await trained("classifier", base);
    const generator = await trained("flow-class", { ...base, "samples.count": 10, "flow.sampleSteps": 2 });
    const options = { run: generator, classifier, samples: 40, chunk: 15, threads: 1, testSet: await testSet() };

    const result = await evaluateGenerator(options);
    expect(result.samples).toBe(40);
    expect(result.fidFeatureSize).toBe(128);
    expect(result.predictedDigitCounts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(result.perDigitSampleAccuracy).toHaveLength(10);
    expect(result.sampleAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.mnistFid).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(result.mnistFid)).toBe(true);
    // The same classifier on the same test set as the classifier run's own evaluation.
    expect(result.classifierTestAccuracy).toBeCloseTo(readArtifacts(classifier).evaluation!.testAccuracy as number, 10);

    const caches = readdirSync(path.join(generator, "eval"));
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatch(/^[0-9a-f]{16}-15$/);
    const cache = path.join(generator, "eval", caches[0]!);
    const chunks = readdirSync(cache).sort();
    expect(chunks).toEqual(["chunk-0000.f32", "chunk-0001.f32", "chunk-0002-10.f32"]);
    const mtimes = chunks.map((c) => statSync(path.join(cache, c)).mtimeMs);
    const again = await evaluateGenerator(options);
    expect(again).toEqual(result);
    expect(chunks.map((c) => statSync(path.join(cache, c)).mtimeMs)).toEqual(mtimes);
    // A larger evaluation reuses the full chunks and generates only what is new.
    const larger = await evaluateGenerator({ ...options, samples: 45 });
    expect(larger.samples).toBe(45);
    expect(readdirSync(cache).sort()).toEqual([...chunks, "chunk-0002.f32"]);
    expect(chunks.map((c) => statSync(path.join(cache, c)).mtimeMs)).toEqual(mtimes);
    // The smaller one still reads its own chunks (the card below holds its result again).
    expect(await evaluateGenerator(options)).toEqual(result);

    const card = JSON.parse(readFileSync(runPaths(generator).cardJson, "utf8"));
    expect(card.evaluation.mnistFid).toBe(result.mnistFid);
    expect(readFileSync(runPaths(generator).cardMarkdown, "utf8")).toContain("| mnistFid |");
    await expect(evaluateGenerator({ ...options, run: classifier })).rejects.toThrow(/not a generator/);

    // Published as a model folder: the card's links and the classifier path point within the folder's neighbourhood,
    // and the folder is itself evaluable.
    const models = scratch("trainer-models-");
    const folder = path.join(models, "flow-class-tiny");
    publishRun(classifier, path.join(models, "classifier"));
    const files = publishRun(generator, folder, ["a note"]);
    expect(files.sort()).toEqual(
      [
        "config.json",
        "evaluation.json",
        "loss.png",
        "model-card.json",
        "model-card.md",
        "model.onnx",
        "samples.png",
        "trajectory.gif",
      ].sort(),
    );
    const published = JSON.parse(readFileSync(path.join(folder, "model-card.json"), "utf8"));
    expect(published.artifacts).toEqual({
      model: "model.onnx",
      lossCurve: "loss.png",
      finalGrid: "samples.png",
      trajectory: "trajectory.gif",
      evaluation: "evaluation.json",
    });
    expect(published.notes).toContain("a note");
    expect(path.resolve(folder, published.evaluation.classifier)).toBe(path.resolve(runPaths(classifier).model));
    const reevaluated = await evaluateGenerator({
      ...options,
      run: folder,
      classifier: path.join(models, "classifier"),
    });
    expect(reevaluated).toEqual(result);
    expect(() => publishRun(path.join(models, "missing"), path.join(models, "x"))).toThrow(/only a finished run/);
  }, 120_000);
});
