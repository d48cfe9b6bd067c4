// Time to first image and images/s for the portal's default generation — the default embedded model
// (class-conditioned flow matching, D = 64) at its recorded sampler, steps and γ (its card's sweep: the fewest model
// evaluations within 5 % of 50-step Euler's FID) — beside the course's recipe (50 Euler steps, the same γ), one prompt
// × 8 images on CPU, through the same worker code the portal runs.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { samplingPolicy } from "@diffusion-studio/models";
import { readModelCardFile } from "@diffusion-studio/models/files";
import { embeddedModels } from "@diffusion-studio/trainer/api";
import { runTask } from "../dist/worker/run-task.js";

const MODEL_ID = "flow-class-d64"; // the portal's default: the widest class-conditioned embedded model
const model = embeddedModels().find((m) => m.id === MODEL_ID);
if (!model) throw new Error(`the embedded model ${MODEL_ID} is missing (apps/trainer/models/${MODEL_ID})`);
const policy = samplingPolicy(await readModelCardFile(model.onnx));
const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-bench-"));

const info = {
  id: MODEL_ID,
  name: MODEL_ID,
  description: "",
  source: "embedded",
  conditioning: { type: "class", classes: Array.from({ length: 10 }, (_, label) => ({ label, name: `${label}` })) },
  shape: [1, 28, 28],
  procedures: ["generate"],
  samplers: policy.samplers.map((name) => ({ name, description: "" })),
  defaults: { sampler: policy.defaults.sampler, steps: policy.defaults.steps, guidance: policy.defaults.guidanceScale },
  courseSteps: policy.course.steps,
  promptExamples: [],
};

async function run({ sampler, steps }, batch, seed) {
  const started = performance.now();
  let first = 0;
  await runTask(
    {
      recipe: {
        procedure: "generate",
        modelId: MODEL_ID,
        prompts: ["a handwritten 7"],
        sampler,
        steps,
        guidance: info.defaults.guidance,
        seed,
        batch,
      },
      model: { info, format: "cs180-onnx", file: model.onnx },
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

const recipes = [
  { label: "default", sampler: policy.defaults.sampler, steps: policy.defaults.steps },
  { label: "course", sampler: policy.course.sampler, steps: policy.course.steps },
];
console.log(
  `generation: ${MODEL_ID} (flow-class UNet D=64), CFG γ=${info.defaults.guidance} (2 model branches per step), CPU, ${os.availableParallelism()} threads`,
);
const rates = [];
for (const [i, recipe] of recipes.entries()) {
  const cold = await run(recipe, 1, 10 * i); // includes ONNX Runtime session creation
  const warm = await run(recipe, 1, 10 * i + 1);
  const batch = await run(recipe, 8, 10 * i + 2);
  rates.push(8 / (batch.total / 1000));
  console.log(
    `${recipe.label.padEnd(7)} ${recipe.sampler}, ${recipe.steps} steps: first image cold ${(cold.first / 1000).toFixed(2)} s, warm ${(warm.first / 1000).toFixed(2)} s; ${rates[i].toFixed(2)} images/s (batch of 8)`,
  );
}
console.log(`the default recipe makes ${(rates[0] / rates[1]).toFixed(1)}× the course recipe's images/s`);
await fs.rm(dir, { recursive: true, force: true });
