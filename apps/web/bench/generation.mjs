// Time to first image and images/s for the default generation (class-conditioned flow matching, 50 Euler steps,
// CFG γ = 5, one prompt × 8 images) on CPU, through the same worker code the portal runs.
// The model is a full-width (D = 64) CS180 UNet with seeded initial weights: speed does not depend on training.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildInferenceGraph, initWeights } from "@diffusion-studio/models";
import { runTask } from "../dist/worker/run-task.js";

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-bench-"));
const file = path.join(dir, "bench.onnx");
await fs.writeFile(file, buildInferenceGraph("flow-class", 64, initWeights("flow-class", 64, 0)));

const info = {
  id: "bench",
  name: "bench",
  description: "",
  source: "configured",
  conditioning: { type: "class", classes: Array.from({ length: 10 }, (_, label) => ({ label, name: `${label}` })) },
  shape: [1, 28, 28],
  procedures: ["generate"],
  schedules: ["flow-euler"],
  defaults: { steps: 50, guidance: 5 },
  promptExamples: [],
};

async function run(batch, seed) {
  const started = performance.now();
  let first = 0;
  await runTask(
    {
      recipe: {
        procedure: "generate",
        modelId: "bench",
        prompts: ["a handwritten 7"],
        steps: 50,
        guidance: 5,
        seed,
        batch,
      },
      model: { info, format: "cs180-onnx", file },
      inputs: {},
      artifactsDir: dir,
      outputPrefix: `run-${seed}`,
      device: "cpu",
      threads: os.availableParallelism(),
    },
    {
      signal: new AbortController().signal,
      emit: (e) => {
        if (e.type === "image" && first === 0) first = performance.now() - started;
      },
    },
  );
  return { first, total: performance.now() - started };
}

const cold = await run(1, 0); // includes ONNX Runtime session creation
const warm = await run(1, 1);
const batch = await run(8, 2);
console.log(
  `default generation: flow-class UNet D=64, 50 Euler steps, CFG γ=5 (2 model branches per step), CPU, ${os.availableParallelism()} threads`,
);
console.log(`time to first image, cold (session creation included): ${(cold.first / 1000).toFixed(2)} s`);
console.log(`time to first image, warm:                               ${(warm.first / 1000).toFixed(2)} s`);
console.log(`images/s, batch of 8:                                    ${(8 / (batch.total / 1000)).toFixed(2)}`);
await fs.rm(dir, { recursive: true, force: true });
