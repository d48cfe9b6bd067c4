/**
 * Whole-network check against PyTorch (fixtures from tooling/torch-fixtures/generate.py): same weights, same batch,
 * one training step. Gradients are read back from Adam's first moment (m₁ = (1 − β1)·g) and compared with PyTorch's
 * float64 gradients; running statistics and a 3-step Adam loss trajectory are compared too.
 */
import { describe, expect, it } from "vitest";
import { ADAM_DEFAULTS } from "../src/graph/adam.js";
import { describeModel, expAvgName } from "../src/graphs.js";
import type { ModelKind } from "../src/nn/kinds.js";
import { createNodeRuntime } from "../src/node.js";
import { Trainer, type TrainingBatch } from "../src/runtime/trainer.js";
import { fixture, maxAbs, relativeError, runtime } from "./helpers.js";

const KINDS: ModelKind[] = ["denoiser", "flow-time", "ddpm-time", "flow-class", "classifier"];

function load(kind: ModelKind) {
  const f = fixture(`${kind}-d8.safetensors`);
  const pick = (prefix: string) =>
    new Map(
      [...f.tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v.data] as const),
    );
  const b = pick("batch.");
  const batch: TrainingBatch = {
    x: b.get("x")!,
    target: b.get("target")!,
    ...(b.has("t") ? { t: b.get("t")! } : {}),
    ...(b.has("c") ? { c: b.get("c")! } : {}),
  };
  return { meta: f.metadata, weights: pick("weight."), grads: pick("grad."), next: pick("next."), batch };
}

/** Conv/ConvT biases that feed straight into a BatchNorm: their true gradient is exactly 0 (noise only). */
function isDeadBias(name: string, names: Set<string>): boolean {
  return name.endsWith(".conv.bias") && names.has(name.replace(/\.conv\.bias$/, ".bn.weight"));
}

describe("parameter counts (spec §4.1 self-checks)", () => {
  it.each([
    ["denoiser", 64, 1_975_361],
    ["denoiser", 128, 7_891_073],
    ["flow-time", 64, 1_996_417],
    ["ddpm-time", 64, 1_996_417],
    ["flow-class", 64, 2_019_201],
    ["ddpm-class", 64, 2_019_201],
  ] as const)("%s at D=%i has %i parameters", (kind, D, count) => {
    expect(describeModel(kind, D).parameterCount).toBe(count);
  });
});

describe.each(KINDS)("%s at D=8 vs PyTorch", (kind) => {
  it("has PyTorch's parameter count and names", () => {
    const { meta, weights } = load(kind);
    const desc = describeModel(kind, 8);
    expect(desc.parameterCount).toBe(Number(meta.parameter_count));
    for (const p of [...desc.params, ...desc.buffers]) expect(weights.has(p.name), p.name).toBe(true);
  });

  it("matches PyTorch's float64 gradients, running stats and Adam losses", async () => {
    const { meta, weights, grads, next, batch } = load(kind);
    const trainer = await Trainer.create(runtime, { kind, D: 8, batchSize: 4, lr: 1e-2, initialWeights: weights });
    const first = await trainer.step(batch);
    expect(first.loss).toBeCloseTo(Number(meta.loss), 5);

    const state = trainer.stateTensors();
    const names = new Set(grads.keys());
    let worst = 0;
    for (const [name, ref] of grads) {
      const m = state.get(expAvgName(name))!;
      const g = m.map((v) => v / (1 - ADAM_DEFAULTS.beta1));
      if (isDeadBias(name, names)) {
        expect(maxAbs(g), name).toBeLessThan(1e-6);
        continue;
      }
      const err = relativeError(g, ref);
      worst = Math.max(worst, err);
      expect(err, name).toBeLessThanOrEqual(1e-4);
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
    for (const [name, ref] of next) expect(relativeError(state.get(name)!, ref), name).toBeLessThan(1e-5);

    const losses = [first.loss];
    for (let i = 1; i < 3; i++) losses.push((await trainer.step(batch)).loss);
    const reference = JSON.parse(meta.adam_losses!) as number[];
    for (const [i, l] of losses.entries()) expect(Math.abs(l - reference[i]!) / reference[i]!).toBeLessThan(1e-3);
    trainer.dispose();
  });
});

describe("ORT graph optimizations", () => {
  it("do not change the training step's numbers ('all' vs 'disabled')", async () => {
    const { weights, batch } = load("flow-time");
    const run = async (level: "all" | "disabled") => {
      const rt = createNodeRuntime({ threads: 2, graphOptimizationLevel: level });
      const trainer = await Trainer.create(rt, {
        kind: "flow-time",
        D: 8,
        batchSize: 4,
        lr: 1e-2,
        initialWeights: weights,
      });
      const loss = (await trainer.step(batch)).loss;
      return { loss, state: trainer.stateTensors() };
    };
    const all = await run("all");
    const disabled = await run("disabled");
    expect(Math.abs(all.loss - disabled.loss)).toBeLessThan(1e-6);
    for (const [name, value] of all.state) {
      if (name.startsWith("optimizer.exp_avg."))
        expect(relativeError(value, disabled.state.get(name)!), name).toBeLessThan(1e-5);
    }
  });
});
