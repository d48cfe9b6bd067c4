/** The README's "Train" and "Run" examples, as one program: train a tiny model, save, resume, export, sample. */
import { FlowEulerSampler, mulberry32, Rng, sample } from "@diffusion-studio/core";
import { expect, it } from "vitest";
import { createDenoiser } from "../src/index.js";
import { createTrainer, loadInferenceModel } from "../src/node.js";

it("the README's Train and Run examples train, resume, export and sample", async () => {
  // ---- README example: Train (keep in sync) ----
  const B = 16;
  const random = mulberry32(0);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  /** A flow-matching batch on a stand-in dataset (x1 = a bright square): x_t = (1−t)·x0 + t·x1, target x1 − x0. */
  function batch() {
    const x = new Float32Array(B * 784);
    const t = new Float32Array(B);
    const target = new Float32Array(B * 784);
    const c = new Float32Array(B * 10);
    for (let i = 0; i < B; i++) {
      t[i] = random();
      c[i * 10 + (i % 10)] = 1; // class i mod 10; an all-zero row would be the unconditional class
      for (let p = 0; p < 784; p++) {
        const x1 = p % 28 > 8 && p % 28 < 20 && p > 8 * 28 && p < 20 * 28 ? 1 : 0;
        const x0 = gauss();
        x[i * 784 + p] = (1 - t[i]!) * x0 + t[i]! * x1;
        target[i * 784 + p] = x1 - x0;
      }
    }
    return { x, t, c, target };
  }

  const trainer = await createTrainer({ kind: "flow-class", D: 8, batchSize: B, seed: 0, lr: 1e-2, threads: 2 });
  const losses: number[] = [];
  for (let step = 0; step < 150; step++) {
    losses.push((await trainer.step(batch())).loss); // the loss before the update
    trainer.lr *= 0.1 ** (1 / 150); // ExponentialLR: lr is a graph input, change it any time
  }
  const checkpoint: Uint8Array = trainer.saveCheckpoint(); // safetensors: params, Adam moments, BN stats, step, lr
  const resumed = await createTrainer({ kind: "flow-class", D: 8, batchSize: B, checkpoint }); // resumes exactly
  const onnx: Uint8Array = trainer.exportInference(); // eval-mode ONNX, weights as initializers, model card inside
  // ---- end of README example ----

  // ---- README example: Run (keep in sync) ----
  const model = await loadInferenceModel(onnx); // the model card is read from the ONNX metadata
  const images = await sample({
    denoiser: createDenoiser(model), // a @diffusion-studio/core Denoiser
    sampler: new FlowEulerSampler({ numSteps: 20 }),
    noise: new Rng(180),
    condition: [{ classLabel: 3 }, { classLabel: 7 }],
    guidanceScale: 5, // the unconditional branch is the zero class vector
  });
  // ---- end of README example ----

  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  expect(resumed.stepCount).toBe(150);
  expect(resumed.lr).toBeCloseTo(trainer.lr, 12);
  expect(model.card).toMatchObject({ kind: "flow-class", D: 8 });
  expect(images.shape).toEqual([2, 1, 28, 28]);
  expect(images.data.every(Number.isFinite)).toBe(true);
  // Even 150 steps learn where the square is: samples are brighter inside it than outside.
  const inside = (p: number) => p % 28 > 8 && p % 28 < 20 && p > 8 * 28 && p < 20 * 28;
  const mean = (keep: (p: number) => boolean) => {
    const values = Array.from(images.data).filter((_, i) => keep(i % 784));
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  expect(mean(inside)).toBeGreaterThan(mean((p) => !inside(p)) + 0.3);
  trainer.dispose();
  resumed.dispose();
});
