/** The Trainer: loss goes down on real MNIST, checkpoints resume exactly, lr is a live input, bad input is named. */
import { mulberry32 } from "@diffusion-studio/core";
import { describe, expect, it } from "vitest";
import { decodeCheckpoint } from "../src/checkpoint/checkpoint.js";
import { decodeSafetensors } from "../src/checkpoint/safetensors.js";
import { createNodeRuntime, createTrainer, cudaProviderInstalled, loadInferenceModel } from "../src/node.js";
import type { TrainingBatch } from "../src/runtime/trainer.js";
import { relativeError, runtime } from "./helpers.js";
import { readMnist } from "./mnist.js";

const mnist = readMnist("train", 512);

/** A flow-matching batch: x = (1−t)·x0 + t·x1, target = x1 − x0, from a seeded stream. */
function flowBatch(random: () => number, batch: number): TrainingBatch {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = new Float32Array(batch * 784);
  const target = new Float32Array(batch * 784);
  const t = new Float32Array(batch);
  for (let i = 0; i < batch; i++) {
    const img = Math.floor(random() * mnist.count);
    t[i] = random();
    for (let p = 0; p < 784; p++) {
      const x1 = mnist.images[img * 784 + p]!;
      const x0 = gauss();
      x[i * 784 + p] = (1 - t[i]!) * x0 + t[i]! * x1;
      target[i * 784 + p] = x1 - x0;
    }
  }
  return { x, t, target };
}

describe("Trainer", () => {
  it("reduces the flow-matching loss on real MNIST (D=8, 30 steps)", async () => {
    const trainer = await createTrainer({ kind: "flow-time", D: 8, batchSize: 16, lr: 1e-2, runtime });
    const random = mulberry32(3);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push((await trainer.step(flowBatch(random, 16))).loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(0, 3))).toBeGreaterThan(1);
    expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 3)));
    expect(trainer.stepCount).toBe(30);
  });

  it("resumes from a checkpoint exactly", async () => {
    const batches = Array.from({ length: 5 }, (_, i) => flowBatch(mulberry32(100 + i), 8));
    const a = await createTrainer({ kind: "flow-class", D: 4, batchSize: 8, lr: 5e-3, seed: 2, runtime });
    const withC = (b: TrainingBatch, i: number): TrainingBatch => {
      const c = new Float32Array(80);
      for (let k = 0; k < 8; k++) if (k !== i) c[k * 10 + ((k + i) % 10)] = 1; // one unconditional row
      return { ...b, c };
    };
    for (let i = 0; i < 3; i++) await a.step(withC(batches[i]!, i));
    const checkpoint = a.saveCheckpoint({ run: "test" });
    const tail = [await a.step(withC(batches[3]!, 3)), await a.step(withC(batches[4]!, 4))].map((r) => r.loss);

    const meta = decodeCheckpoint(checkpoint);
    expect(meta).toMatchObject({ kind: "flow-class", D: 4, step: 3, lr: 5e-3, extra: { run: "test" } });
    const file = decodeSafetensors(checkpoint);
    expect(file.tensors.get("e0.conv1.conv.weight")?.shape).toEqual([4, 1, 3, 3]);
    expect(file.tensors.has("e0.conv1.bn.running_var")).toBe(true);
    expect(file.tensors.has("optimizer.exp_avg_sq.fc1_c.fc1.weight")).toBe(true);

    const b = await createTrainer({ kind: "flow-class", D: 4, batchSize: 8, checkpoint, runtime });
    expect(b.stepCount).toBe(3);
    expect(b.lr).toBe(5e-3);
    const resumed = [await b.step(withC(batches[3]!, 3)), await b.step(withC(batches[4]!, 4))].map((r) => r.loss);
    expect(resumed).toEqual(tail);
    const wa = a.weights();
    for (const [name, w] of b.weights()) expect(w, name).toEqual(wa.get(name));
  });

  it("takes lr as a graph input: lr = 0 leaves the parameters unchanged but updates BN statistics", async () => {
    const trainer = await createTrainer({ kind: "denoiser", D: 4, batchSize: 4, lr: 0, runtime });
    const before = new Map([...trainer.weights()].map(([k, v]) => [k, v.slice()]));
    const batch = flowBatch(mulberry32(9), 4);
    await trainer.step({ x: batch.x, target: batch.target });
    for (const [name, w] of trainer.weights()) {
      if (name.includes("running_")) expect(w, name).not.toEqual(before.get(name));
      else expect(w, name).toEqual(before.get(name));
    }
    trainer.lr = 1e-2;
    await trainer.step({ x: batch.x, target: batch.target });
    expect(trainer.weights().get("out.weight")).not.toEqual(before.get("out.weight"));
  });

  it("evaluates the current weights in eval mode without changing state, like the exported model", async () => {
    const trainer = await createTrainer({ kind: "flow-time", D: 4, batchSize: 4, lr: 1e-2, runtime });
    const random = mulberry32(21);
    for (let i = 0; i < 3; i++) await trainer.step(flowBatch(random, 4));
    const before = new Map([...trainer.weights()].map(([k, v]) => [k, v.slice()]));
    const batch = flowBatch(random, 6); // another batch size: its own evaluation session
    const { loss, prediction } = await trainer.evaluate(batch);
    let mse = 0;
    for (let i = 0; i < prediction.length; i++) mse += (prediction[i]! - batch.target[i]!) ** 2;
    expect(Math.abs(loss - mse / prediction.length)).toBeLessThan(1e-5 * loss);
    const model = await loadInferenceModel(trainer.exportInference(), { runtime });
    expect(relativeError(await model.run({ x: batch.x, t: batch.t! }), prediction)).toBeLessThan(1e-5);
    expect(trainer.stepCount).toBe(3);
    for (const [name, w] of trainer.weights()) expect(w, name).toEqual(before.get(name));
    await model.dispose();
    trainer.dispose();
  });

  it("builds a second session for another batch size", async () => {
    const trainer = await createTrainer({ kind: "classifier", D: 4, batchSize: 8, lr: 1e-2, runtime });
    const labels = (n: number) => {
      const target = new Float32Array(n * 10);
      for (let i = 0; i < n; i++) target[i * 10 + mnist.labels[i]!] = 1;
      return target;
    };
    const full = await trainer.step({ x: mnist.images.slice(0, 8 * 784), target: labels(8) });
    const partial = await trainer.step({ x: mnist.images.slice(0, 3 * 784), target: labels(3) });
    expect(full.loss).toBeGreaterThan(1.5); // ≈ ln 10 at init
    expect(Number.isFinite(partial.loss)).toBe(true);
    expect(trainer.stepCount).toBe(2);
  });

  it("refuses non-finite inputs and drops a diverged step, so no NaN reaches the state or a checkpoint", async () => {
    const trainer = await createTrainer({ kind: "flow-time", D: 4, batchSize: 4, lr: 1e-2, runtime });
    const good = flowBatch(mulberry32(7), 4);
    await trainer.step(good);
    const before = new Map([...trainer.stateTensors()].map(([k, v]) => [k, v.slice()]));
    const x = good.x.slice();
    x[5] = Number.NaN;
    await expect(trainer.step({ ...good, x })).rejects.toThrow("`x` holds NaN at index 5");
    const target = good.target.slice();
    target[0] = Number.POSITIVE_INFINITY;
    await expect(trainer.step({ ...good, target })).rejects.toThrow("`target` holds Infinity at index 0");
    // Finite inputs whose loss overflows float32: the step is refused and its update dropped.
    await expect(trainer.step({ ...good, target: good.target.map((v) => v * 1e30) })).rejects.toThrow(
      /the loss is Infinity at step 2: the update was not applied \(the weights are those of step 1\)/,
    );
    expect(trainer.stepCount).toBe(1);
    for (const [name, value] of trainer.stateTensors()) expect(value, name).toEqual(before.get(name));
    const resumed = await createTrainer({
      kind: "flow-time",
      D: 4,
      batchSize: 4,
      checkpoint: trainer.saveCheckpoint(),
      runtime,
    });
    expect((await resumed.step(good)).loss).toBe((await trainer.step(good)).loss);
  });

  it("resumes with the checkpoint's Adam settings unless told otherwise", async () => {
    const adam = { beta1: 0.5, beta2: 0.9, eps: 1e-3 };
    const batches = [1, 2, 3].map((seed) => flowBatch(mulberry32(seed), 4));
    const a = await createTrainer({ kind: "flow-time", D: 4, batchSize: 4, lr: 1e-2, adam, runtime });
    await a.step(batches[0]!);
    const b = await createTrainer({ kind: "flow-time", D: 4, batchSize: 4, checkpoint: a.saveCheckpoint(), runtime });
    expect(b.adam).toEqual(adam);
    for (const batch of batches.slice(1)) expect((await b.step(batch)).loss).toBe((await a.step(batch)).loss);
  });

  it("names the bad field", async () => {
    await expect(createTrainer({ kind: "vae" as "denoiser", D: 4, batchSize: 4, runtime })).rejects.toThrow(/`kind`/);
    await expect(createTrainer({ kind: "denoiser", D: 0, batchSize: 4, runtime })).rejects.toThrow(/`D`/);
    await expect(createTrainer({ kind: "denoiser", D: 4, batchSize: 1, runtime })).rejects.toThrow(/`batchSize`/);
    await expect(createTrainer({ kind: "denoiser", D: 4, batchSize: 4, lr: -1, runtime })).rejects.toThrow(/`lr`/);
    const trainer = await createTrainer({ kind: "flow-time", D: 4, batchSize: 4, runtime });
    const x = new Float32Array(4 * 784);
    await expect(trainer.step({ x, target: new Float32Array(4 * 784) })).rejects.toThrow(/`t` must be a Float32Array/);
    await expect(trainer.step({ x, t: new Float32Array(4), target: new Float32Array(784) })).rejects.toThrow(
      /`target` holds 1 items/,
    );
    expect(() => {
      trainer.lr = Number.NaN;
    }).toThrow(/`lr`/);
    await expect(
      createTrainer({ kind: "denoiser", D: 4, batchSize: 4, adam: { beta1: 1, beta2: 0.999, eps: 1e-8 }, runtime }),
    ).rejects.toThrow("`adam.beta1` must be a number in [0, 1); got 1");
    trainer.dispose();
    await expect(trainer.step({ x, t: new Float32Array(4), target: x })).rejects.toThrow(/this Trainer was disposed/);
    expect(() => createNodeRuntime({ device: "tpu" as "cpu" })).toThrow(/`device`/);
    expect(() => createNodeRuntime({ threads: 0 })).toThrow(/`threads`.*\[1, 256\]/);
    // "auto" on a machine without onnxruntime-node's CUDA provider libraries is plain CPU
    if (!cudaProviderInstalled()) expect(createNodeRuntime().name).toBe("onnxruntime-node 1.30.0 (cpu)");
  });
});
