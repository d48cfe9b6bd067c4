/** The README's "DeepFloyd IF exports" example, run on the committed stand-in export. */
import { Rng, sample, stridedTimesteps } from "@diffusion-studio/core";
import { expect, it } from "vitest";
import { loadDeepFloyd } from "../../src/node.js";
import { FIXTURE_DIR } from "./recordings.js";

it("the README example samples stage I with CFG and upscales with stage II", async () => {
  const dir = FIXTURE_DIR;
  // ---- README example (keep in sync) ----
  const model = await loadDeepFloyd(dir, { threads: 2 }); // manifest.json + ONNX files + embedding store
  const { stage1, stage2 } = model;
  const prompt = { prompt: "an oil painting of a snowy mountain village" }; // one of model.prompts.storedPrompts
  const noise = new Rng(180);
  const small = await sample({
    denoiser: stage1!.denoiser, // [B, 3, S, S] in [−1, 1]; S from the manifest (64 for IF-I-*)
    sampler: stage1!.sampler({ timesteps: stridedTimesteps(990, 30, 0) }), // the manifest's scheduler config
    noise,
    condition: prompt,
    guidanceScale: 7, // unconditional = the empty prompt, batched first as in diffusers
  });
  const big = await sample({
    denoiser: stage2!.conditioned({ image: small, noise }), // upsampled (align_corners) and noised at noise level 250
    sampler: stage2!.sampler({ numInferenceSteps: 10 }),
    noise,
    condition: prompt,
    guidanceScale: 4,
  });
  await model.dispose();
  // ---- end of README example ----
  expect(small.shape).toEqual([1, 3, 16, 16]);
  expect(big.shape).toEqual([1, 3, 64, 64]);
});

it("splitting UNet runs with maxBatch gives the same result up to float32 rounding", async () => {
  const whole = await loadDeepFloyd(FIXTURE_DIR, { threads: 2, stages: ["stage1"], textEncoder: false });
  const split = await loadDeepFloyd(FIXTURE_DIR, { threads: 2, stages: ["stage1"], textEncoder: false, maxBatch: 1 });
  const run = (m: typeof whole) =>
    sample({
      denoiser: m.stage1!.denoiser,
      sampler: m.stage1!.sampler({ timesteps: stridedTimesteps(990, 90, 0) }),
      noise: new Rng(3),
      condition: [{ prompt: "a photo of a dog" }, { prompt: "a pencil" }],
      guidanceScale: 7,
    });
  const [a, b] = [await run(whole), await run(split)];
  let diff = 0;
  a.data.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - b.data[i]!));
  });
  expect(diff).toBeLessThan(1e-4);
  await whole.dispose();
  await split.dispose();
});
