import { readFileSync } from "node:fs";
import { loadInferenceModel } from "@diffusion-studio/models/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedModels } from "../src/api/embedded.js";
import { resolveConfig } from "../src/config/resolve.js";
import { digitConditions, generate, samplerFor } from "../src/sample/generate.js";
import { denoiserOf, type LoadedModel } from "../src/train/models-engine.js";

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe("generate (CFG sampling of a class-conditioned model)", () => {
  let model: LoadedModel;
  const config = resolveConfig("flow-class", { "flow.sampleSteps": 4 });
  if (config.objective !== "flow") throw new Error("flow-class is a flow experiment");
  const sampler = samplerFor(config);

  beforeAll(async () => {
    // The committed class-conditioned model: a trained one, so the class input really steers the samples.
    const committed = embeddedModels().find((m) => m.id.startsWith("flow-class"))!;
    model = await loadInferenceModel(new Uint8Array(readFileSync(committed.onnx)));
  });
  afterAll(() => model.dispose());

  const run = (conditions: ReturnType<typeof digitConditions>, cfgScale: number) =>
    generate(denoiserOf(model), sampler, { conditions, cfgScale, seed: 7, keepFrames: 2 });

  it("at γ = 0 gives the unconditional samples, and the same bytes for the same seed", async () => {
    const guided = await run(digitConditions(6), 0);
    const unconditional = await run(
      digitConditions(6).map(() => null),
      5,
    );
    expect(maxAbsDiff(guided.images.data, unconditional.images.data)).toBeLessThan(1e-6);
    expect((await run(digitConditions(6), 0)).images.data).toEqual(guided.images.data);
    // Frames: the starting noise, one midway, and the result.
    expect(guided.frames).toHaveLength(3);
    expect(guided.frames.at(-1)!.data).toEqual(guided.images.data);
  });

  it("at γ > 0 moves the samples away from the unconditional ones", async () => {
    const unconditional = await run(digitConditions(6), 0);
    const guided = await run(digitConditions(6), 5);
    expect(maxAbsDiff(guided.images.data, unconditional.images.data)).toBeGreaterThan(0.1);
  });
});
