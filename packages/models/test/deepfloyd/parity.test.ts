/**
 * DeepFloyd IF on the stand-in exports: core's sampler and procedures driving our stage denoisers reproduce
 * diffusers' recorded IFPipeline / IFSuperResolutionPipeline runs given the same noise.
 */
import { type ImageBatch, NoiseReplay, sample } from "@diffusion-studio/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchedulerConfig } from "../../src/deepfloyd/manifest.js";
import type { DeepFloydModel } from "../../src/deepfloyd/model.js";
import { ifSampler } from "../../src/deepfloyd/scheduler.js";
import { Fields } from "../../src/deepfloyd/validate.js";
import { loadDeepFloyd } from "../../src/node.js";
import { FIXTURE_DIR, image, maxAbsDiff, recordedCase, scaledError, stack, tensor } from "./recordings.js";

let model: DeepFloydModel;
beforeAll(async () => {
  model = await loadDeepFloyd(FIXTURE_DIR, { threads: 2, device: "cpu" });
});
afterAll(async () => {
  await model?.dispose();
});

/** Measured errors, printed once at the end (the README quotes them). */
const measured: Record<string, Record<string, number>> = {};
afterAll(() => {
  console.log(`DeepFloyd parity (max abs diff; scaled = / max(1, max|ref|)):\n${JSON.stringify(measured, null, 1)}`);
});

function samplerFor(name: string) {
  const c = recordedCase(name);
  return ifSampler(parseSchedulerConfig(Fields.root(name, c.scheduler)), { timesteps: c.timesteps });
}

async function runCase(name: string) {
  const c = recordedCase(name);
  const sampler = samplerFor(name);
  const denoiser =
    c.stage === 1
      ? model.stage1!.denoiser
      : model.stage2!.conditioned({
          image: image(c.tensors.lowRes!),
          noiseLevel: c.noiseLevel,
          noise: image(c.tensors.imageNoise!),
        });
  const trajectory: ImageBatch[] = [];
  const noise = new NoiseReplay(stack(c.tensors.stepNoise!));
  const out = await sample({
    denoiser,
    sampler,
    noise,
    condition: { prompt: c.prompt },
    unconditional: { prompt: c.negativePrompt },
    guidanceScale: c.guidanceScale,
    initialNoise: image(c.tensors.initialNoise!),
    onProgress: (e) => {
      trajectory.push(e.x);
    },
  });
  expect(noise.remaining).toBe(0);
  return { c, out, trajectory, denoiser };
}

describe.each(["stage1_threshold", "stage1_clip", "stage1_plain", "stage2_nl250"])("recorded case %s", (name) => {
  it("reproduces diffusers' output (torch UNet) and the onnxruntime pipeline run step by step", async () => {
    const { c, out, trajectory } = await runCase(name);
    const ref = tensor(c.tensors.output!).data;
    const refOrt = tensor(c.tensors.outputOrt!).data;
    const steps = stack(c.tensors.trajectoryOrt!);
    expect(trajectory).toHaveLength(steps.length);
    const stepErrors = trajectory.map((x, i) => scaledError(x.data, steps[i]!.data));
    measured[name] = {
      vsTorchMaxAbs: maxAbsDiff(out.data, ref),
      vsTorchScaled: scaledError(out.data, ref),
      vsOrtMaxAbs: maxAbsDiff(out.data, refOrt),
      vsOrtScaled: scaledError(out.data, refOrt),
      worstStepVsOrtScaled: Math.max(...stepErrors),
    };
    expect(scaledError(out.data, ref)).toBeLessThanOrEqual(1e-4);
    expect(scaledError(out.data, refOrt)).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...stepErrors)).toBeLessThanOrEqual(1e-4);
  });
});

describe("components", () => {
  it("one predict call feeds [unconditional; conditional] like diffusers and splits ε / variance channels", async () => {
    for (const name of ["stage1_threshold", "stage2_nl250"]) {
      const c = recordedCase(name);
      const denoiser =
        c.stage === 1
          ? model.stage1!.denoiser
          : model.stage2!.conditioned({
              image: image(c.tensors.lowRes!),
              noise: image(c.tensors.imageNoise!),
              noiseLevel: c.noiseLevel,
            });
      const x0 = image(c.tensors.initialNoise!);
      const x = {
        shape: [2, ...x0.shape.slice(1)] as [number, number, number, number],
        data: new Float32Array(2 * x0.data.length),
      };
      x.data.set(x0.data, 0);
      x.data.set(x0.data, x0.data.length);
      // core's layout: conditional first, then unconditional
      const out = await denoiser.predict({
        x,
        t: new Float32Array([c.timesteps[0]!, c.timesteps[0]!]),
        conditions: [{ prompt: c.prompt }, { prompt: c.negativePrompt }],
      });
      const ref = tensor(c.tensors.unetOutStep0!).data; // row 0 unconditional, row 1 conditional, 6 channels each
      const n = x0.data.length;
      const rows = [1, 0]; // our item 0 (conditional) is the recording's row 1
      let err = 0;
      rows.forEach((row, item) => {
        const eps = out.prediction.data.subarray(item * n, (item + 1) * n);
        const v = out.variance!.data.subarray(item * n, (item + 1) * n);
        err = Math.max(err, maxAbsDiff(eps, ref.subarray(2 * row * n, (2 * row + 1) * n)));
        err = Math.max(err, maxAbsDiff(v, ref.subarray((2 * row + 1) * n, (2 * row + 2) * n)));
      });
      measured[`${name} unetOutStep0`] = { vsTorchMaxAbs: err };
      expect(err).toBeLessThan(1e-4);
    }
  });

  it("stage II upsamples with align_corners and noises once with the image-noising schedule", () => {
    const c = recordedCase("stage2_nl250");
    const d = model.stage2!.conditioned({
      image: image(c.tensors.lowRes!),
      noise: image(c.tensors.imageNoise!),
      noiseLevel: c.noiseLevel,
    });
    expect(d.noiseLevel).toBe(250);
    expect(d.upscaled.shape).toEqual([1, 3, 64, 64]);
    const up = maxAbsDiff(d.upscaled.data, tensor(c.tensors.upscaled!).data);
    const noisy = maxAbsDiff(d.upscaledNoisy.data, tensor(c.tensors.upscaledNoisy!).data);
    measured["stage2 upsampling"] = { upscaled: up, upscaledNoisy: noisy };
    expect(up).toBeLessThan(1e-5); // torch interpolates in float32, core in float64
    expect(noisy).toBeLessThan(1e-5);
  });
});
