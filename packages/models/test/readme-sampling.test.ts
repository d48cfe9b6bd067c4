/** The README's "Sample with the model's policy" example, on a small exported flow-class model. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { buildInferenceGraph, initWeights, samplingPolicy } from "../src/index.js";
import { loadInferenceModel, sampleModelFile, writePngs } from "../src/node.js";

const dir = mkdtempSync(path.join(tmpdir(), "readme-sampling-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the README's sampling example samples sevens, writes PNGs and shows the policy's decisions", async () => {
  const onnx = buildInferenceGraph("flow-class", 8, initWeights("flow-class", 8, 0));
  const file = path.join(dir, "model.onnx");
  writeFileSync(file, onnx);
  const outDir = path.join(dir, "out");
  const model = await loadInferenceModel(onnx);

  // ---- README example: Sample with the model's policy (keep in sync) ----
  const sevens = await sampleModelFile(file, { classLabel: 7, count: 16, seed: 0 }); // model.onnx or its folder
  const files = await writePngs(sevens, outDir, { prefix: "seven-" }); // seven-000.png … seven-015.png, grey 28²

  const policy = samplingPolicy(model.card); // the same decisions, one by one
  policy.defaults; // { sampler: "flow-euler", steps: 50, guidanceScale: 5 } (a ddpm model: "ddpm", T or 34 steps)
  const sampler = policy.sampler({ steps: 20 }); // a core Sampler for sample, sdedit, inpaint, …
  policy.courseTime(250); // 0.75: the course's t = 250 of 1000 in this model's own time
  policy.hybridKernelSize(2); // 13: the hybrid blur (σ = 2) that fits a 28² image
  // ---- end of README example ----

  expect(sevens.shape).toEqual([16, 1, 28, 28]);
  expect(files.map((f) => path.basename(f)).at(-1)).toBe("seven-015.png");
  expect(policy.defaults).toEqual({ sampler: "flow-euler", steps: 50, guidanceScale: 5 });
  expect(sampler.numSteps).toBe(20);
  expect(policy.courseTime(250)).toBe(0.75);
  expect(policy.hybridKernelSize(2)).toBe(13);
  await model.dispose();
});
