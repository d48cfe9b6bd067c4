/**
 * Eval-mode inference export: outputs match PyTorch's eval mode (fixtures), onnxruntime-web (wasm) matches
 * onnxruntime-node to 1e-5, the batch dimension is free, and the core Denoiser adapter batches conditions correctly.
 */
import { describe, expect, it } from "vitest";
import { buildInferenceGraph, initWeights } from "../src/graphs.js";
import type { ModelKind } from "../src/nn/kinds.js";
import { loadInferenceModel } from "../src/node.js";
import { createDenoiser } from "../src/runtime/denoiser.js";
import { readModelCard } from "../src/runtime/inference-model.js";
import { createWebRuntime, loadInferenceModel as loadWebModel } from "../src/web.js";
import { fixture, relativeError, runtime } from "./helpers.js";

function fixtureModel(kind: ModelKind) {
  const f = fixture(`${kind}-d8.safetensors`);
  const weights = new Map<string, Float32Array>();
  for (const [k, v] of f.tensors) {
    if (k.startsWith("weight.") && !k.includes("running_")) weights.set(k.slice(7), v.data);
    if (k.startsWith("next.")) weights.set(k.slice(5), v.data);
  }
  const get = (k: string) => f.tensors.get(k)?.data;
  const inputs = {
    x: get("batch.x")!,
    ...(get("batch.t") ? { t: get("batch.t")! } : {}),
    ...(get("batch.c") ? { c: get("batch.c")! } : {}),
  };
  return { weights, inputs, expected: get("eval.y")! };
}

describe("inference export", () => {
  it.each(["denoiser", "flow-time", "ddpm-time", "flow-class", "classifier"] as ModelKind[])(
    "%s: eval-mode output matches PyTorch",
    async (kind) => {
      const { weights, inputs, expected } = fixtureModel(kind);
      const model = await loadInferenceModel(buildInferenceGraph(kind, 8, weights), { runtime });
      expect(model.card.kind).toBe(kind);
      expect(relativeError(await model.run(inputs), expected)).toBeLessThan(1e-5);
      await model.dispose();
    },
  );

  it("outputs the classifier's penultimate features, from which fc2 gives its logits", async () => {
    const { weights, inputs } = fixtureModel("classifier");
    const model = await loadInferenceModel(buildInferenceGraph("classifier", 8, weights), { runtime });
    expect(model.card.featureSize).toBe(128);
    const { y, features } = await model.runWithFeatures(inputs);
    const batch = y.length / 10;
    expect(features).toHaveLength(batch * 128);
    expect(Math.min(...features)).toBeGreaterThanOrEqual(-0.17); // GELU's minimum is ≈ −0.17
    const w = weights.get("fc2.weight")!; // [10, 128]
    const bias = weights.get("fc2.bias")!;
    const logits = new Float32Array(batch * 10);
    for (let i = 0; i < batch; i++)
      for (let k = 0; k < 10; k++) {
        let acc = bias[k]!;
        for (let j = 0; j < 128; j++) acc += w[k * 128 + j]! * features[i * 128 + j]!;
        logits[i * 10 + k] = acc;
      }
    expect(relativeError(logits, y)).toBeLessThan(1e-5);
    expect(await model.run(inputs)).toEqual(y);
    const flow = await loadInferenceModel(buildInferenceGraph("flow-time", 4, initWeights("flow-time", 4, 0)), {
      runtime,
    });
    await expect(flow.runWithFeatures({ x: new Float32Array(784), t: new Float32Array(1) })).rejects.toThrow(
      /no `features` output/,
    );
    await model.dispose();
    await flow.dispose();
  });

  it("gives the same outputs in onnxruntime-node and onnxruntime-web (wasm) to 1e-5, at any batch size", async () => {
    const { weights, inputs } = fixtureModel("flow-class");
    const onnx = buildInferenceGraph("flow-class", 8, weights);
    const node = await loadInferenceModel(onnx, { runtime });
    const web = await loadWebModel(onnx, { runtime: createWebRuntime({ backend: "wasm", threads: 1 }) });
    const a = await node.run(inputs);
    const b = await web.run(inputs);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
    // item 2 alone gives what it gave inside the batch of 4 (eval mode: items are independent)
    const one = await node.run({
      x: inputs.x.slice(2 * 784, 3 * 784),
      t: inputs.t!.slice(2, 3),
      c: inputs.c!.slice(20, 30),
    });
    expect(relativeError(one, a.slice(2 * 784, 3 * 784))).toBeLessThan(1e-6);
    await node.dispose();
    await web.dispose();
  });

  it("stores the model card in the ONNX metadata", () => {
    const card = readModelCard(
      buildInferenceGraph("ddpm-class", 4, initWeights("ddpm-class", 4, 1), { extra: { run: "r1" } }),
    );
    expect(card).toMatchObject({
      kind: "ddpm-class",
      D: 4,
      prediction: "epsilon",
      time: "discrete",
      numTrainTimesteps: 300,
      noiseSchedule: { type: "linear", numTrainTimesteps: 300, betaStart: 1e-4, betaEnd: 0.02 },
      classConditioned: true,
      inputs: ["x", "t", "c"],
      extra: { run: "r1" },
    });
  });

  it("records a DDPM model's own β schedule and T in its card", () => {
    const noiseSchedule = { type: "squaredcos_cap_v2", numTrainTimesteps: 1000 } as const;
    const onnx = buildInferenceGraph("ddpm-class", 4, initWeights("ddpm-class", 4, 1), { noiseSchedule });
    expect(readModelCard(onnx)).toMatchObject({ numTrainTimesteps: 1000, noiseSchedule });
    const flow = readModelCard(buildInferenceGraph("flow-time", 4, initWeights("flow-time", 4, 0), { noiseSchedule }));
    expect(flow.noiseSchedule).toBeUndefined();
  });

  it("rejects inputs of the wrong size, naming the field", async () => {
    const model = await loadInferenceModel(buildInferenceGraph("flow-time", 4, initWeights("flow-time", 4, 0)), {
      runtime,
    });
    await expect(model.run({ x: new Float32Array(784 * 2), t: new Float32Array(3) })).rejects.toThrow(
      /`t`.*expected 2/,
    );
    await expect(model.run({ x: new Float32Array(100) })).rejects.toThrow(/`x`/);
    await model.dispose();
  });

  it("refuses bytes that are not an exported model with a message, not a parser's internals", async () => {
    await expect(loadInferenceModel(Uint8Array.of(9, 9, 9, 9, 9), { runtime })).rejects.toThrow(
      /^`onnx` is not an ONNX model \(/,
    );
    const onnx = buildInferenceGraph("flow-time", 4, initWeights("flow-time", 4, 0));
    const card = readModelCard(onnx);
    const json = Buffer.from(JSON.stringify(card));
    const at = Buffer.from(onnx).indexOf(json);
    expect(at).toBeGreaterThan(0); // stored verbatim: it can be overwritten in place by a damaged card of equal length
    const damaged = (replacement: string) => {
      const bytes = onnx.slice();
      bytes.set(Buffer.from(replacement.padEnd(json.length, " ")), at);
      return bytes;
    };
    expect(() => readModelCard(damaged('{"kind":"flow-time"}'))).toThrow(
      'the model card\'s `inputs` must list "x", "t" and/or "c" (got undefined)',
    );
    expect(() => readModelCard(damaged('{"kind":"vae"}'))).toThrow(/`kind` must be one of/);
    expect(() => readModelCard(damaged("{"))).toThrow(/metadata is not JSON/);
  });
});

describe("createDenoiser", () => {
  it("runs conditional and unconditional items in one batch with one-hot / zero class vectors", async () => {
    const { weights } = fixtureModel("flow-class"); // same network as ddpm-class
    const model = await loadInferenceModel(buildInferenceGraph("ddpm-class", 8, weights), { runtime });
    const denoiser = createDenoiser(model);
    expect(denoiser.info).toMatchObject({ prediction: "epsilon", time: "discrete", channels: 1, height: 28 });
    const x = new Float32Array(3 * 784).map((_, i) => Math.sin(i));
    const t = Float32Array.of(150, 150, 30);
    const out = await denoiser.predict({
      x: { data: x, shape: [3, 1, 28, 28] },
      t,
      conditions: [{ classLabel: 3 }, null, { classLabel: 9 }],
    });
    expect(out.kind).toBe("epsilon");
    expect(out.prediction.shape).toEqual([3, 1, 28, 28]);
    const c = new Float32Array(30);
    c[3] = 1;
    c[29] = 1;
    const direct = await model.run({ x, t: Float32Array.of(0.5, 0.5, 0.1), c });
    expect(relativeError(out.prediction.data, direct)).toBeLessThan(1e-6);
    // the unconditional branch really differs from the conditional one
    expect(relativeError(out.prediction.data.slice(784, 1568), out.prediction.data.slice(0, 784))).toBeGreaterThan(
      1e-3,
    );
    await expect(
      denoiser.predict({ x: { data: x, shape: [3, 1, 28, 28] }, t, conditions: [{ prompt: "a 3" }, null, null] }),
    ).rejects.toThrow(/conditions\[0\]/);
    await expect(
      denoiser.predict({ x: { data: x, shape: [3, 1, 28, 28] }, t, conditions: [{ classLabel: 10 }, null, null] }),
    ).rejects.toThrow(/classLabel.*\[0, 9\]/);
    await model.dispose();
  });

  it("refuses class labels for a model without class conditioning", async () => {
    const model = await loadInferenceModel(buildInferenceGraph("flow-time", 4, initWeights("flow-time", 4, 0)), {
      runtime,
    });
    const denoiser = createDenoiser(model);
    expect(denoiser.info).toMatchObject({ prediction: "velocity", time: "continuous" });
    await expect(
      denoiser.predict({
        x: { data: new Float32Array(784), shape: [1, 1, 28, 28] },
        t: Float32Array.of(0.5),
        conditions: [{ classLabel: 1 }],
      }),
    ).rejects.toThrow(/not class-conditioned/);
    await model.dispose();
  });
});
