/**
 * Every CS180 part A procedure on the IF stand-ins, through the code path the portal uses: `loadDeepFloyd` + core's
 * procedures. The outputs are noise-like (random weights); the tests check shapes, determinism and the invariants of
 * core's own procedure tests, on the real ONNX models.
 */
import {
  type Denoiser,
  type DenoiserInput,
  flipView,
  forwardProcess,
  hybridImage,
  type ImageBatch,
  identityView,
  imageToImage,
  inpaint,
  iterativeDenoise,
  NoiseRecorder,
  oneStepDenoise,
  Rng,
  sample,
  sdedit,
  stridedTimesteps,
  visualAnagram,
} from "@diffusion-studio/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeepFloydModel } from "../../src/deepfloyd/model.js";
import { loadDeepFloyd } from "../../src/node.js";
import { FIXTURE_DIR } from "./recordings.js";

let model: DeepFloydModel;
beforeAll(async () => {
  model = await loadDeepFloyd(FIXTURE_DIR, { threads: 2, device: "cpu" });
});
afterAll(async () => {
  await model?.dispose();
});

const PHOTO = { prompt: "a high quality photo" };
const S = 16; // the stand-in's stage I size (real IF: 64), from the manifest
const N = 3 * S * S;

/** The course's sampler on this export's stage I schedule: 990 → 0 stride 30, learned range, no thresholding. */
const course = () =>
  model.stage1!.sampler({
    timesteps: stridedTimesteps(990, 30, 0),
    toClean: false,
    thresholding: false,
    clipSample: false,
  });

/** A smooth test "photo" in [−1, 1]. */
function testImage(): ImageBatch {
  const data = new Float32Array(N);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) data[(c * S + y) * S + x] = Math.sin((x + 2 * c) / 3) * Math.cos(y / 4);
  return { shape: [1, 3, S, S], data };
}

/** The real stage I denoiser, with every call's input remembered. */
function watched(): Denoiser & { calls: DenoiserInput[] } {
  const inner = model.stage1!.denoiser;
  const calls: DenoiserInput[] = [];
  return {
    info: inner.info,
    calls,
    predict: (input, signal) => {
      calls.push(input);
      return inner.predict(input, signal);
    },
  };
}

function expectFiniteImage(x: ImageBatch, shape: readonly number[]) {
  expect(x.shape).toEqual(shape);
  for (const v of x.data) expect(Number.isFinite(v)).toBe(true);
}

describe("part A procedures on the IF stand-in", () => {
  it("the denoiser reports the manifest's sizes and learned variance", () => {
    expect(model.stage1!.denoiser.info).toEqual({
      channels: 3,
      height: model.manifest.stages.stage1!.sampleSize,
      width: model.manifest.stages.stage1!.sampleSize,
      prediction: "epsilon",
      time: "discrete",
      learnedVariance: true,
    });
    expect(course().levels).toHaveLength(34);
  });

  it("1.1 forward process, 1.3 one-step denoise and 1.4 iterative denoise from i_start = 10", async () => {
    const s = course();
    const x0 = testImage();
    const xt = forwardProcess(s, x0, 500, new Rng(1));
    expect(xt.data).toEqual(forwardProcess(s, x0, 500, new Rng(1)).data);
    const a = s.schedule.alphasCumprod[500]!;
    const z = new Rng(1).gaussian(x0.shape);
    expect(xt.data[5]).toBeCloseTo(Math.sqrt(a) * x0.data[5]! + Math.sqrt(1 - a) * z.data[5]!, 5);

    const oneStep = () =>
      oneStepDenoise({ denoiser: model.stage1!.denoiser, sampler: s, x: xt, t: 500, condition: PHOTO });
    const x0hat = await oneStep();
    expectFiniteImage(x0hat, [1, 3, S, S]);
    expect(x0hat.data).toEqual((await oneStep()).data);

    expect(s.levels[10]).toBe(690);
    const denoiser = watched();
    const run = (d: Denoiser) =>
      iterativeDenoise({
        denoiser: d,
        sampler: s,
        noise: new Rng(2),
        x: forwardProcess(s, x0, s.levels[10]!, new Rng(3)),
        iStart: 10,
        condition: PHOTO,
        guidanceScale: 7,
      });
    const out = await run(denoiser);
    expectFiniteImage(out, [1, 3, S, S]);
    expect(denoiser.calls.map((c) => c.t[0])).toEqual(s.levels.slice(10, -1));
    expect(denoiser.calls[0]!.conditions).toEqual([PHOTO, { prompt: "" }]);
    expect(Buffer.from(out.data.buffer)).toEqual(Buffer.from((await run(model.stage1!.denoiser)).data.buffer));
  });

  it("1.5/1.6 sampling with CFG: same seed gives identical bytes, another seed differs; stage II upscales it", async () => {
    const run = (seed: number) =>
      sample({
        denoiser: model.stage1!.denoiser,
        sampler: course(),
        noise: new Rng(seed),
        condition: PHOTO,
        guidanceScale: 7,
      });
    const a = await run(180);
    expectFiniteImage(a, [1, 3, S, S]);
    expect(Buffer.from(a.data.buffer)).toEqual(Buffer.from((await run(180)).data.buffer));
    expect(a.data).not.toEqual((await run(181)).data);

    const stage2 = model.stage2!;
    const S2 = stage2.manifest.sampleSize;
    const up = (seed: number) => {
      const noise = new Rng(seed);
      return sample({
        denoiser: stage2.conditioned({ image: a, noise }),
        sampler: stage2.sampler({ numInferenceSteps: 5 }),
        noise,
        condition: PHOTO,
        guidanceScale: 4,
      });
    };
    const big = await up(7);
    expectFiniteImage(big, [1, 3, S2, S2]);
    expect(Buffer.from(big.data.buffer)).toEqual(Buffer.from((await up(7)).data.buffer));
  });

  it("1.7 SDEdit sweep: each i_start starts from the forward-noised original", async () => {
    const s = course();
    const x0 = testImage();
    const noise = new NoiseRecorder(new Rng(4));
    const denoiser = watched();
    const iStarts = [1, 3, 5, 7, 10, 20];
    const results = await sdedit({
      denoiser,
      sampler: s,
      noise,
      image: x0,
      iStarts,
      condition: PHOTO,
      guidanceScale: 7,
    });
    expect(results.map((r) => r.t)).toEqual(iStarts.map((i) => s.levels[i]));
    for (const r of results) expectFiniteImage(r.result, [1, 3, S, S]);
    const forward = noise.draws.filter((d) => d.purpose === "forward");
    expect(forward).toHaveLength(iStarts.length);
    let call = 0;
    iStarts.forEach((iStart, k) => {
      expect(denoiser.calls[call]!.x.data.slice(0, N)).toEqual(s.addNoise(x0, iStart, forward[k]!.noise).data);
      call += s.numSteps - iStart;
    });
    expect(denoiser.calls).toHaveLength(call);
  });

  it("1.7.2 inpainting keeps the unmasked region at the forward-noised original every step and the original at the end", async () => {
    const s = course();
    const x0 = testImage();
    const mask = {
      shape: [1, 1, S, S] as const,
      data: Float32Array.from({ length: S * S }, (_, i) => (i < 96 ? 1 : 0)),
    };
    const noise = new NoiseRecorder(new Rng(8));
    const seen: ImageBatch[] = [];
    const out = await inpaint({
      denoiser: model.stage1!.denoiser,
      sampler: s,
      noise,
      image: x0,
      mask,
      condition: PHOTO,
      guidanceScale: 7,
      onProgress: (e) => {
        seen.push(e.x);
      },
    });
    const forward = noise.draws.filter((d) => d.purpose === "forward");
    expect(seen).toHaveLength(s.numSteps);
    expect(forward).toHaveLength(s.numSteps);
    seen.forEach((x, k) => {
      const expected = s.addNoise(x0, k + 1, forward[k]!.noise);
      for (let c = 0; c < 3; c++)
        for (let i = 96; i < S * S; i++) expect(x.data[c * S * S + i]).toBe(expected.data[c * S * S + i]);
    });
    for (let c = 0; c < 3; c++) {
      for (let i = 96; i < S * S; i++) expect(out.data[c * S * S + i]).toBe(x0.data[c * S * S + i]);
      expect(out.data[c * S * S]).not.toBe(x0.data[c * S * S]);
    }
  });

  it("1.7.3 text-conditional image-to-image conditions on the new prompt against the empty prompt", async () => {
    const denoiser = watched();
    const rocket = { prompt: "a rocket ship" };
    const [r] = await imageToImage({
      denoiser,
      sampler: course(),
      noise: new Rng(5),
      image: testImage(),
      iStarts: [10],
      condition: rocket,
      guidanceScale: 7,
    });
    expectFiniteImage(r!.result, [1, 3, S, S]);
    expect(denoiser.calls[0]!.conditions).toEqual([rocket, { prompt: "" }]);
  });

  it("1.8 flip anagram: one call per step with the flipped image for the second prompt; deterministic", async () => {
    const oldMan = { prompt: "an oil painting of an old man" };
    const campfire = { prompt: "an oil painting of people around a campfire" };
    const run = (d: Denoiser) =>
      visualAnagram({
        denoiser: d,
        sampler: course(),
        noise: new Rng(10),
        guidanceScale: 7,
        views: [
          { condition: oldMan, view: identityView() },
          { condition: campfire, view: flipView() },
        ],
      });
    const denoiser = watched();
    const out = await run(denoiser);
    expectFiniteImage(out, [1, 3, S, S]);
    expect(denoiser.calls).toHaveLength(course().numSteps);
    const call = denoiser.calls[3]!;
    expect(call.x.shape[0]).toBe(4);
    expect(call.conditions).toEqual([oldMan, { prompt: "" }, campfire, { prompt: "" }]);
    expect(call.x.data.slice(2 * N, 3 * N)).toEqual(
      flipView().apply({ shape: [1, 3, S, S], data: call.x.data.slice(0, N) }).data,
    );
    expect(Buffer.from(out.data.buffer)).toEqual(Buffer.from((await run(model.stage1!.denoiser)).data.buffer));
  });

  it("1.9 hybrid image: two prompts in one call per step; the same prompt twice gives plain CFG sampling", async () => {
    const skull = { prompt: "a lithograph of a skull" };
    const waterfalls = { prompt: "a lithograph of waterfalls" };
    const denoiser = watched();
    const hybrid = (d: Denoiser, low: { prompt: string }, high: { prompt: string }) =>
      hybridImage({
        denoiser: d,
        sampler: course(),
        noise: new Rng(11),
        guidanceScale: 7,
        lowPassCondition: low,
        highPassCondition: high,
        kernelSize: 9, // the course's 33 at 64², scaled to the stand-in's 16²
      });
    const out = await hybrid(denoiser, skull, waterfalls);
    expectFiniteImage(out, [1, 3, S, S]);
    expect(denoiser.calls[0]!.conditions).toEqual([skull, { prompt: "" }, waterfalls, { prompt: "" }]);
    const same = await hybrid(model.stage1!.denoiser, skull, skull);
    const plain = await sample({
      denoiser: model.stage1!.denoiser,
      sampler: course(),
      noise: new Rng(11),
      condition: skull,
      guidanceScale: 7,
    });
    let diff = 0;
    same.data.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - plain.data[i]!));
    });
    // Equal up to the UNet's batch-size-dependent float32 rounding (batch 4 vs 2) and the blur's low+high split.
    expect(diff).toBeLessThan(1e-4);
    expect(out.data).not.toEqual(same.data);
  });
});
