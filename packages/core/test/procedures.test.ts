import { describe, expect, it } from "vitest";
import {
  AbortError,
  axpby,
  blend,
  type CancelSignal,
  type Condition,
  clampBatch,
  courseSampler,
  type Denoiser,
  dynamicThreshold,
  FlowEulerSampler,
  flipView,
  forwardProcess,
  guidedPredict,
  hybridImage,
  type ImageBatch,
  identityView,
  imageBatch,
  imageToImage,
  inpaint,
  iterativeDenoise,
  type ModelPrediction,
  NoiseRecorder,
  oneStepDenoise,
  portableLog,
  Rng,
  rotateView,
  runReverseLoop,
  type Sampler,
  StridedDdpmSampler,
  sample,
  scaleView,
  sdedit,
  sliceBatch,
  spacedTimesteps,
  stridedTimesteps,
  tileBatch,
  visualAnagram,
} from "../src/index.js";
import { gaussianVelocityOracle, mixingDenoiser } from "./helpers/oracles.js";

const IF_INFO = { channels: 3, height: 16, width: 16, prediction: "epsilon", time: "discrete" } as const;
const PHOTO: Condition = { prompt: "a high quality photo" };
const SKULL: Condition = { prompt: "a lithograph of a skull" };
// A short course-like list keeps the tests fast: 990 → 0 in steps of 90 (12 levels).
const sampler = () => courseSampler({ timesteps: Array.from({ length: 12 }, (_, i) => 990 - 90 * i) });

function image(seed: number, shape: readonly [number, number, number, number] = [1, 3, 16, 16]): ImageBatch {
  const x = new Rng(seed).gaussian(shape);
  return { shape, data: x.data.map((v) => Math.tanh(v)) };
}

describe("classifier-free guidance", () => {
  it("γ = 1 equals the conditional sampler and γ = 0 the unconditional one, exactly", async () => {
    // Fixed variance here: with learned variance, CFG keeps the conditional branch's variance (course §1.6).
    const fixed = () => new StridedDdpmSampler({ timesteps: sampler().timesteps, variance: "fixed_small" });
    const run = (opts: { condition: Condition; guidanceScale?: number }) =>
      sample({ denoiser: mixingDenoiser(IF_INFO), sampler: fixed(), noise: new Rng(5), ...opts });
    const cond = await run({ condition: PHOTO });
    const uncond = await run({ condition: { prompt: "" } });
    expect((await run({ condition: PHOTO, guidanceScale: 1 })).data).toEqual(cond.data);
    expect((await run({ condition: PHOTO, guidanceScale: 0 })).data).toEqual(uncond.data);
    expect(cond.data).not.toEqual(uncond.data);
    expect((await run({ condition: PHOTO, guidanceScale: 7 })).data).not.toEqual(cond.data);
  });

  it("with learned variance, γ = 1 still equals the conditional sampler (the conditional variance is kept)", async () => {
    const run = (guidanceScale?: number) =>
      sample({
        denoiser: mixingDenoiser(IF_INFO, true),
        sampler: sampler(),
        noise: new Rng(5),
        condition: PHOTO,
        guidanceScale,
      });
    expect((await run(1)).data).toEqual((await run()).data);
  });

  it("batches conditional and empty-prompt unconditional branches into one call per step and keeps the conditional variance", async () => {
    const denoiser = mixingDenoiser(IF_INFO, true);
    const s = sampler();
    await sample({ denoiser, sampler: s, noise: new Rng(1), condition: [PHOTO, SKULL], guidanceScale: 7 });
    expect(denoiser.calls).toHaveLength(s.numSteps);
    const first = denoiser.calls[0]!;
    expect(first.x.shape[0]).toBe(4);
    expect(first.conditions).toEqual([PHOTO, SKULL, { prompt: "" }, { prompt: "" }]);
    expect(Array.from(first.t)).toEqual([990, 990, 990, 990]);
  });

  it("guiding a condition against itself (unconditional model, empty prompt) runs one pass, not two", async () => {
    for (const condition of [null, { prompt: "" }] as const) {
      const denoiser = mixingDenoiser(IF_INFO, true);
      const s = sampler();
      const run = (guidanceScale?: number) =>
        sample({ denoiser, sampler: s, noise: new Rng(3), condition, batchSize: 2, guidanceScale });
      const guided = await run(7);
      expect(denoiser.calls.map((c) => c.x.shape[0])).toEqual(Array(s.numSteps).fill(2));
      expect(guided.data).toEqual((await run()).data);
    }
  });

  it("class-conditional flow sampling with CFG uses the zero class (null) as unconditional", async () => {
    const denoiser = gaussianVelocityOracle(
      (c) => ({ mean: [c !== null && "classLabel" in c ? c.classLabel / 10 : 0], std: [0.3] }),
      { channels: 1, height: 8, width: 8 },
    );
    const labels = Array.from({ length: 40 }, (_, i) => ({ classLabel: Math.floor(i / 4) }));
    const out = await sample({
      denoiser,
      sampler: new FlowEulerSampler({ numSteps: 20 }),
      noise: new Rng(2),
      condition: labels,
      guidanceScale: 5,
    });
    expect(out.shape).toEqual([40, 1, 8, 8]);
    expect(denoiser.calls[0]!.conditions.slice(40)).toEqual(Array(40).fill(null));
    // With γ = 5 the class means are pushed apart: class 9's mean is well above class 0's.
    const meanOf = (k: number) => out.data.slice(k * 4 * 64, (k + 1) * 4 * 64).reduce((a, b) => a + b, 0) / 256;
    expect(meanOf(9) - meanOf(0)).toBeGreaterThan(0.9);
  });
});

describe("course procedures", () => {
  it("forward process, one-step denoise and iterative denoise from i_start", async () => {
    const s = sampler();
    const x0 = image(1);
    const noise = new Rng(3).gaussian(x0.shape);
    const xt = forwardProcess(s, x0, 500, noise);
    const ab = s.schedule.alphasCumprod[500]!;
    expect(xt.data[7]).toBeCloseTo(Math.sqrt(ab) * x0.data[7]! + Math.sqrt(1 - ab) * noise.data[7]!, 6);
    // An oracle that returns the true noise makes one-step denoising exact.
    const oracle = {
      info: { ...IF_INFO, learnedVariance: false },
      predict: async () => ({ kind: "epsilon" as const, prediction: noise }),
    };
    const x0hat = await oneStepDenoise({ denoiser: oracle, sampler: s, x: xt, t: 500, condition: PHOTO });
    x0hat.data.forEach((v, i) => {
      expect(Math.abs(v - x0.data[i]!)).toBeLessThan(1e-5);
    });
    const denoiser = mixingDenoiser(IF_INFO, true);
    const events: number[] = [];
    await iterativeDenoise({
      denoiser,
      sampler: s,
      noise: new Rng(4),
      x: forwardProcess(s, x0, s.levels[3]!, new Rng(5)),
      iStart: 3,
      condition: PHOTO,
      guidanceScale: 7,
      progressEvery: 3,
      onProgress: (e) => {
        events.push(e.t);
      },
    });
    expect(denoiser.calls.map((c) => c.t[0])).toEqual(s.levels.slice(3, -1));
    expect(events).toEqual([450, 180, 0]); // every 3rd step, and the last
  });

  it("SDEdit and text-conditional image-to-image noise the original to each i_start, then denoise", async () => {
    const s = sampler();
    const x0 = image(2);
    const noise = new NoiseRecorder(new Rng(6));
    const denoiser = mixingDenoiser(IF_INFO, true);
    const results = await sdedit({
      denoiser,
      sampler: s,
      noise,
      image: x0,
      iStarts: [1, 5],
      condition: PHOTO,
      guidanceScale: 7,
    });
    expect(results.map((r) => r.t)).toEqual([900, 540]);
    // The first model input of each run is the forward-noised original.
    const forwardDraws = noise.draws.filter((d) => d.purpose === "forward");
    expect(forwardDraws).toHaveLength(2);
    expect(denoiser.calls[0]!.x.data.slice(0, 768)).toEqual(s.addNoise(x0, 1, forwardDraws[0]!.noise).data);
    const rocket = mixingDenoiser(IF_INFO, true);
    await imageToImage({
      denoiser: rocket,
      sampler: s,
      noise: new Rng(1),
      image: x0,
      iStarts: [3],
      condition: { prompt: "a rocket ship" },
      guidanceScale: 7,
    });
    expect(rocket.calls[0]!.conditions).toEqual([{ prompt: "a rocket ship" }, { prompt: "" }]);
  });

  it("inpainting keeps unmasked pixels at the forward-noised original every step and exactly the original at the end", async () => {
    const s = sampler();
    const x0 = image(3);
    const mask = {
      shape: [1, 1, 16, 16] as const,
      data: Float32Array.from({ length: 256 }, (_, i) => (i < 96 ? 1 : 0)),
    };
    const noise = new NoiseRecorder(new Rng(8));
    const seen: ImageBatch[] = [];
    const out = await inpaint({
      denoiser: mixingDenoiser(IF_INFO, true),
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
    expect(forward).toHaveLength(s.numSteps);
    seen.forEach((x, k) => {
      const expected = s.addNoise(x0, k + 1, forward[k]!.noise);
      for (let c = 0; c < 3; c++) {
        for (let i = 96; i < 256; i++) expect(x.data[c * 256 + i]).toBe(expected.data[c * 256 + i]);
      }
    });
    for (let c = 0; c < 3; c++) {
      for (let i = 96; i < 256; i++) expect(out.data[c * 256 + i]).toBe(x0.data[c * 256 + i]);
      // masked pixels are new content
      expect(out.data[c * 256]).not.toBe(x0.data[c * 256]);
    }
  });
});

describe("flow procedures", () => {
  it("inpainting with the flow sampler pastes the forward-interpolated original each step and the original at t = 1", async () => {
    const info = { channels: 1, height: 8, width: 8 };
    const denoiser = gaussianVelocityOracle(() => ({ mean: [0.5], std: [0.2] }), info);
    const s = new FlowEulerSampler({ numSteps: 10 });
    const x0 = { shape: [2, 1, 8, 8] as const, data: Float32Array.from({ length: 128 }, (_, i) => (i % 9) / 9) };
    const mask = { shape: [1, 1, 8, 8] as const, data: Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? 1 : 0)) };
    const noise = new NoiseRecorder(new Rng(3));
    const seen: ImageBatch[] = [];
    const out = await inpaint({
      denoiser,
      sampler: s,
      noise,
      image: x0,
      mask,
      condition: { classLabel: 3 },
      guidanceScale: 2,
      onProgress: (e) => {
        seen.push(e.x);
      },
    });
    const forward = noise.draws.filter((d) => d.purpose === "forward");
    seen.forEach((x, k) => {
      const expected = s.addNoise(x0, k + 1, forward[k]!.noise);
      for (let b = 0; b < 2; b++)
        for (let i = 32; i < 64; i++) expect(x.data[b * 64 + i]).toBe(expected.data[b * 64 + i]);
    });
    for (let b = 0; b < 2; b++) for (let i = 32; i < 64; i++) expect(out.data[b * 64 + i]).toBe(x0.data[b * 64 + i]);
  });
});

describe("illusions", () => {
  it("an anagram whose views are all identity with one prompt equals plain CFG sampling", async () => {
    const plain = await sample({
      denoiser: mixingDenoiser(IF_INFO, true),
      sampler: sampler(),
      noise: new Rng(9),
      condition: PHOTO,
      guidanceScale: 7,
    });
    const denoiser = mixingDenoiser(IF_INFO, true);
    const anagram = await visualAnagram({
      denoiser,
      sampler: sampler(),
      noise: new Rng(9),
      guidanceScale: 7,
      views: [identityView(), identityView(), identityView()].map((view) => ({ condition: PHOTO, view })),
    });
    expect(anagram.data).toEqual(plain.data);
    expect(denoiser.calls[0]!.x.shape[0]).toBe(6); // 3 views × (cond, uncond) in one call
  });

  it("a flip anagram shows the model the flipped image for the second prompt", async () => {
    const denoiser = mixingDenoiser(IF_INFO, true);
    const noise = new Rng(10);
    const x = await visualAnagram({
      denoiser,
      sampler: sampler(),
      noise,
      guidanceScale: 7,
      views: [
        { condition: { prompt: "an oil painting of an old man" }, view: identityView() },
        { condition: { prompt: "an oil painting of people around a campfire" }, view: flipView() },
      ],
    });
    expect(x.shape).toEqual([1, 3, 16, 16]);
    const call = denoiser.calls[0]!;
    const n = 768;
    expect(call.x.data.slice(2 * n, 3 * n)).toEqual(
      flipView().apply({ shape: [1, 3, 16, 16], data: call.x.data.slice(0, n) }).data,
    );
    expect(call.conditions.map((c) => (c as { prompt: string }).prompt)).toEqual([
      "an oil painting of an old man",
      "",
      "an oil painting of people around a campfire",
      "",
    ]);
  });

  it("a hybrid with the same prompt twice equals plain sampling; different prompts differ", async () => {
    const plain = await sample({
      denoiser: mixingDenoiser(IF_INFO, true),
      sampler: sampler(),
      noise: new Rng(11),
      condition: PHOTO,
      guidanceScale: 7,
    });
    const run = (high: Condition) =>
      hybridImage({
        denoiser: mixingDenoiser(IF_INFO, true),
        sampler: sampler(),
        noise: new Rng(11),
        guidanceScale: 7,
        lowPassCondition: PHOTO,
        highPassCondition: high,
        kernelSize: 7,
      });
    expect((await run(PHOTO)).data).toEqual(plain.data);
    expect((await run(SKULL)).data).not.toEqual(plain.data);
  });

  it("any number of views: four rotations run as one batch of 8 per step", async () => {
    const denoiser = mixingDenoiser(IF_INFO, true);
    const s = sampler();
    const out = await visualAnagram({
      denoiser,
      sampler: s,
      noise: new Rng(13),
      guidanceScale: 7,
      views: [identityView(), rotateView(90), rotateView(180), rotateView(270)].map((view, k) => ({
        condition: { prompt: `prompt ${k}` },
        view,
      })),
    });
    expect(out.shape).toEqual([1, 3, 16, 16]);
    expect(denoiser.calls).toHaveLength(s.numSteps);
    expect(denoiser.calls.every((c) => c.x.shape[0] === 8)).toBe(true);
    for (const v of out.data) expect(Number.isFinite(v)).toBe(true);
  });

  it("illusions can start from an image at a chosen i_start", async () => {
    const s = sampler();
    const x0 = image(4);
    const noise = new NoiseRecorder(new Rng(12));
    const denoiser = mixingDenoiser(IF_INFO, true);
    await visualAnagram({
      denoiser,
      sampler: s,
      noise,
      guidanceScale: 7,
      init: { image: x0, iStart: 4 },
      views: [
        { condition: PHOTO, view: identityView() },
        { condition: SKULL, view: rotateView(180) },
      ],
    });
    expect(denoiser.calls).toHaveLength(s.numSteps - 4);
    expect(denoiser.calls[0]!.x.data.slice(0, 768)).toEqual(s.addNoise(x0, 4, noise.draws[0]!.noise).data);
  });
});

describe("cancellation and errors", () => {
  it("an aborted signal stops the loop with an AbortError", async () => {
    // The platform's real AbortController (typed locally: core compiles without DOM or Node typings).
    const Controller = (
      globalThis as unknown as { AbortController: new () => { signal: CancelSignal; abort(reason?: unknown): void } }
    ).AbortController;
    const controller = new Controller();
    const denoiser = mixingDenoiser(IF_INFO, true);
    const run = sample({
      denoiser,
      sampler: sampler(),
      noise: new Rng(1),
      condition: PHOTO,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.step === 3) controller.abort(new Error("user pressed stop"));
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(run).rejects.toThrow(/aborted: user pressed stop/);
    expect(denoiser.calls).toHaveLength(3);
  });

  const base = () => ({ denoiser: mixingDenoiser(IF_INFO, true), sampler: sampler() as Sampler, noise: new Rng(1) });

  it("invalid options name the field and the allowed range", async () => {
    await expect(sample({ ...base(), condition: PHOTO, guidanceScale: -1 })).rejects.toThrow(
      /`guidanceScale` must be a finite number ≥ 0 \(got -1\)/,
    );
    await expect(sdedit({ ...base(), condition: PHOTO, image: image(1), iStarts: [11] })).rejects.toThrow(
      /`iStart` must be an integer in \[0, 10\] \(got 11\)/,
    );
    await expect(iterativeDenoise({ ...base(), condition: PHOTO, x: image(1), iStart: -1 })).rejects.toThrow(
      /`iStart` must be an integer in \[0, 10\] \(got -1\)/,
    );
    const mask = { shape: [1, 1, 8, 8] as const, data: new Float32Array(64) };
    await expect(inpaint({ ...base(), condition: PHOTO, image: image(1), mask })).rejects.toThrow(
      /`mask` shape must be \[1 or 1, 1 or 3, 16, 16\] to match `image` \(got \[1, 1, 8, 8\]\)/,
    );
    const bad = image(1);
    bad.data[5] = Number.NaN;
    await expect(sdedit({ ...base(), condition: PHOTO, image: bad, iStarts: [1] })).rejects.toThrow(
      /`image` must contain only finite values \(element 5 is NaN\)/,
    );
    await expect(sample({ ...base(), condition: [PHOTO, SKULL], unconditional: [null] })).rejects.toThrow(
      /`unconditional` must have one entry per image \(2\) \(got 1\)/,
    );
    await expect(visualAnagram({ ...base(), views: [{ condition: PHOTO, view: scaleView(2) }] })).rejects.toThrow(
      /`views\[0\].view` \("scale"\) is not a valid view/,
    );
    await expect(
      visualAnagram({ ...base(), allowInvalidViews: true, views: [{ condition: PHOTO, view: scaleView(2) }] }),
    ).resolves.toBeDefined();
    await expect(sample({ ...base(), sampler: new FlowEulerSampler(), condition: PHOTO })).rejects.toThrow(
      /`denoiser.info.time` must be "continuous" for the flow-euler sampler \(got "discrete"\)/,
    );
    await expect(sample({ ...base(), condition: PHOTO, initialNoise: image(1, [1, 3, 8, 8]) })).rejects.toThrow(
      /`initialNoise` must have shape \[1, 3, 16, 16\] \(got \[1, 3, 8, 8\]\)/,
    );
    await expect(sdedit({ ...base(), condition: PHOTO, image: image(1, [1, 3, 8, 8]), iStarts: [1] })).rejects.toThrow(
      /image shape must be \[B, 3, 16, 16\] for this denoiser \(got \[1, 3, 8, 8\]\)/,
    );
    await expect(
      hybridImage({ ...base(), lowPassCondition: PHOTO, highPassCondition: SKULL, kernelSize: 32 }),
    ).rejects.toThrow(/`kernelSize` must be an odd integer \(got 32\)/);
  });

  it("bad conditions name the field and the allowed forms", async () => {
    await expect(sample({ ...base(), condition: { classLabel: -1 } })).rejects.toThrow(
      /`condition.classLabel` must be an integer ≥ 0 \(got -1\)/,
    );
    await expect(sample({ ...base(), condition: [PHOTO, undefined as unknown as Condition] })).rejects.toThrow(
      /`condition\[1\]` must be null, \{ prompt: string \} or \{ classLabel: integer ≥ 0 \} \(got undefined\)/,
    );
  });

  it("a denoiser returning NaN or the wrong shape fails with a clear error", async () => {
    const nan = {
      info: { ...IF_INFO, learnedVariance: false },
      predict: async ({ x }: { x: ImageBatch }) => ({
        kind: "epsilon" as const,
        prediction: { shape: x.shape, data: new Float32Array(x.data.length).fill(Number.NaN) },
      }),
    };
    await expect(sample({ denoiser: nan, sampler: sampler(), noise: new Rng(1), condition: PHOTO })).rejects.toThrow(
      /`denoiser prediction` must contain only finite values/,
    );
    const small = {
      info: { ...IF_INFO, learnedVariance: false },
      predict: async () => ({ kind: "epsilon" as const, prediction: image(1, [1, 3, 8, 8]) }),
    };
    await expect(sample({ denoiser: small, sampler: sampler(), noise: new Rng(1), condition: PHOTO })).rejects.toThrow(
      /denoiser `prediction` must have the input's shape \[1, 3, 16, 16\] \(got \[1, 3, 8, 8\]\)/,
    );
    const noVariance = { ...mixingDenoiser(IF_INFO, false) };
    await expect(
      sample({ denoiser: noVariance, sampler: sampler(), noise: new Rng(1), condition: PHOTO }),
    ).rejects.toThrow(/`variance` output is required when the sampler's variance is "learned_range"/);
    expect(() => new StridedDdpmSampler({ thresholding: { ratio: 1.5, maxValue: 1.5 } })).toThrow(
      /`thresholding.ratio` must be a finite number in \[0, 1\] \(got 1.5\)/,
    );
  });
});

describe("low-level helpers refuse what would hang, crash or return garbage", () => {
  it("timestep lists, portableLog and batch shapes name the field and the range", () => {
    expect(() => stridedTimesteps(2e8, 1, 0)).toThrow("`start` must be an integer in [0, 99999] (got 200000000)");
    expect(() => spacedTimesteps(5e8, 5e8)).toThrow("`numTrainTimesteps` must be an integer in [1, 100000]");
    expect(() => portableLog(0)).toThrow("`x` must be a number in (0, 1] (got 0)");
    expect(() => portableLog(Number.NaN)).toThrow("`x` must be a number in (0, 1] (got NaN)");
    expect(() => imageBatch([Number.NaN, 1, 2, 2])).toThrow("`shape` must be [B, C, H, W] of non-negative integers");
    expect(() => imageBatch([-1, 1, 2, 2])).toThrow("`shape` must be [B, C, H, W] of non-negative integers");
    expect(() => imageBatch([4096, 3, 256, 256])).toThrow(/holds 805306368 values; a batch may hold at most 268435456/);
    const two = imageBatch([2, 1, 2, 2]);
    expect(() => tileBatch(two, 2.7)).toThrow("`times` must be an integer in [1, 33554432] (got 2.7)");
    expect(() => tileBatch(two, 1e9)).toThrow("`times` must be an integer in [1, 33554432] (got 1000000000)");
    expect(() => sliceBatch(two, 1, 5)).toThrow("`count` must be an integer in [0, 1] (got 5)");
    expect(() => sliceBatch(two, -1, 1)).toThrow("`start` must be an integer in [0, 2] (got -1)");
    expect(sliceBatch(two, 1, 1).shape).toEqual([1, 1, 2, 2]);
  });

  it("a bad time or start index is refused before the model runs", async () => {
    let calls = 0;
    const counting: Denoiser = {
      info: { ...IF_INFO, learnedVariance: false },
      predict: async ({ x }) => {
        calls++;
        return { kind: "epsilon", prediction: imageBatch(x.shape) };
      },
    };
    await expect(
      oneStepDenoise({ denoiser: counting, sampler: sampler(), x: image(1), t: 1000, condition: null }),
    ).rejects.toThrow("`t` must be an integer in [0, 999] (got 1000)");
    const flow = new FlowEulerSampler({ numSteps: 4 });
    const info = { channels: 1, height: 4, width: 4, prediction: "velocity", time: "continuous" } as const;
    const velocity = gaussianVelocityOracle(() => ({ mean: [0.5], std: [0.2] }), info);
    await expect(
      oneStepDenoise({ denoiser: velocity, sampler: flow, x: image(1, [1, 1, 4, 4]), t: Number.NaN, condition: null }),
    ).rejects.toThrow("`t` must be a finite number in [0, 1] (got NaN)");
    for (const startIndex of [Number.NaN, 100, -1]) {
      await expect(
        runReverseLoop({
          sampler: sampler(),
          x: image(1),
          startIndex,
          noise: new Rng(0),
          predict: async (x) =>
            (await counting.predict({ x, t: new Float32Array(1), conditions: [null] })) as ModelPrediction,
        }),
      ).rejects.toThrow(`\`startIndex\` must be an integer in [0, 10] (got ${startIndex})`);
    }
    expect(calls).toBe(0);
  });
});

describe("tensor helpers and guidance refuse mismatched inputs", () => {
  it("names the field and the expected shape or range", async () => {
    const a = imageBatch([2, 1, 4, 4]);
    const small = imageBatch([1, 1, 4, 4]);
    expect(() => axpby(1, a, 1, small)).toThrow("`y` must have shape [2, 1, 4, 4] (got [1, 1, 4, 4])");
    expect(() => blend(imageBatch([1, 1, 2, 2]), a, a)).toThrow(
      "`mask` shape must be [1 or 2, 1 or 1, 4, 4] (got [1, 1, 2, 2])",
    );
    expect(() => blend(small, a, small)).toThrow("`b` must have shape [2, 1, 4, 4]");
    expect(() => clampBatch(a, 1, -1)).toThrow("`max` must be a finite number ≥ 1 (got -1)");
    expect(() => dynamicThreshold(a, 2, 1.5)).toThrow("`ratio` must be a finite number in [0, 1] (got 2)");
    expect(() => dynamicThreshold(a, 0.5, 0)).toThrow("`maxValue` must be a finite number ≥ 1 (got 0)");
    const denoiser = mixingDenoiser(IF_INFO, false);
    const x = image(1);
    const branch = { conditions: [PHOTO], unconditional: [null] };
    await expect(guidedPredict(denoiser, { branches: [branch], reduction: "avg" as "mean" }, x, 10)).rejects.toThrow(
      '`reduction` must be one of "mean", "sum" (got "avg")',
    );
    await expect(guidedPredict(denoiser, { branches: [branch], reduction: "mean" }, x, Number.NaN)).rejects.toThrow(
      "`t` must be a finite number (got NaN)",
    );
    await expect(
      guidedPredict(denoiser, { branches: [{ ...branch, conditions: [] }], reduction: "mean" }, x, 10),
    ).rejects.toThrow("`branches[0]` must have one condition per image (1) (got 0)");
    await expect(
      guidedPredict(denoiser, { branches: [{ ...branch, component: () => [1, 2, 3] }], reduction: "sum" }, x, 10),
    ).rejects.toThrow("`branches[0].component` must return 768 values, one per pixel (got 3)");
  });
});
