/** A published folder's model-card.json `sampling` (written by `evaluate --sweep`) reaches the policy. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildInferenceGraph, initWeights } from "../src/graphs.js";
import { readModelCardFile, sampleModelFile } from "../src/node.js";
import { samplingPolicy } from "../src/sampling/policy.js";

const dir = mkdtempSync(path.join(tmpdir(), "recorded-sampling-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function publishedFolder(name: string, cardJson?: unknown): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  writeFileSync(path.join(folder, "model.onnx"), buildInferenceGraph("flow-class", 8, initWeights("flow-class", 8, 0)));
  if (cardJson !== undefined) writeFileSync(path.join(folder, "model-card.json"), JSON.stringify(cardJson));
  return path.join(folder, "model.onnx");
}

describe("readModelCardFile", () => {
  it("merges the folder's recorded sampling into the ONNX card; the policy defaults to it", async () => {
    const sampling = { sampler: "flow-dpm-solver", steps: 8, guidanceScale: 5 };
    const file = await publishedFolder("swept", { name: "x", sampling: { ...sampling, config: { numSteps: 8 } } });
    const card = await readModelCardFile(file);
    expect(card.sampling).toEqual(sampling);
    expect(card.extra?.name).toBe("x");
    expect(samplingPolicy(card).defaults).toEqual(sampling);
    // sampleModelFile uses it too: 8 evaluations of the default sampler, same bytes as asking for it by name.
    const options = { count: 1, classLabel: 3, seed: 2, threads: 1 };
    const byDefault = await sampleModelFile(path.dirname(file), options);
    const named = await sampleModelFile(file, { ...options, sampler: "flow-dpm-solver", steps: 8 });
    expect(byDefault.data).toEqual(named.data);
  });

  it("leaves a card alone without a record, and refuses a record the policy cannot use, by name", async () => {
    expect((await readModelCardFile(await publishedFolder("plain"))).sampling).toBeUndefined();
    expect((await readModelCardFile(await publishedFolder("unswept", { name: "x" }))).sampling).toBeUndefined();
    const bad = await publishedFolder("bad", { sampling: { sampler: "heun", steps: 8 } });
    await expect(readModelCardFile(bad)).rejects.toThrow(/`card.sampling.sampler` must be one of "flow-euler"/);
    const shapeless = await publishedFolder("shapeless", { sampling: { sampler: "flow-heun" } });
    await expect(readModelCardFile(shapeless)).rejects.toThrow("`sampling` must be { sampler, steps, guidanceScale? }");
  });

  it("reads the committed flow-class-d64's measured default", async () => {
    const file = path.resolve(__dirname, "../../../apps/trainer/models/flow-class-d64/model.onnx");
    const card = await readModelCardFile(file);
    expect(card.extra?.description).toMatch(/^Class-conditioned flow matching/);
    const policy = samplingPolicy(card);
    expect(policy.samplers).toContain(policy.defaults.sampler);
    expect(policy.defaults.steps).toBeLessThanOrEqual(12);
  });
});
