/**
 * The two IF stages as ready-to-sample objects: a core `Denoiser` plus samplers built from the stage's scheduler
 * config. Stage II is conditioned per stage I image (upsampled and noised once, as diffusers'
 * `IFSuperResolutionPipeline`), so it hands out a denoiser per low-resolution image.
 */
import {
  checkFinite,
  checkNumber,
  type Denoiser,
  type ImageBatch,
  type NoiseSource,
  resize,
  StridedDdpmSampler,
} from "@diffusion-studio/core";
import { createStageDenoiser } from "./denoiser.js";
import type { StageManifest } from "./manifest.js";
import type { PromptEmbedder } from "./prompts.js";
import { type IfSamplerOptions, ifSampler, scheduleOf } from "./scheduler.js";
import type { IfUnet } from "./unet.js";

export interface DeepFloydStage1 {
  readonly manifest: StageManifest;
  readonly denoiser: Denoiser;
  /** A sampler from the stage's scheduler config (default: the manifest's `numInferenceSteps`, to the clean image). */
  sampler(options?: IfSamplerOptions): StridedDdpmSampler;
  release(): Promise<void>;
}

export interface Stage2ConditionOptions {
  /** The stage I output(s), [B, C, s, s] in [−1, 1]. */
  readonly image: ImageBatch;
  /** Default: the manifest's `defaults.noiseLevel` (250). */
  readonly noiseLevel?: number;
  /** Noise for the upsampled image: a source (drawn with purpose "forward") or an explicit N(0, I) tensor. */
  readonly noise: NoiseSource | ImageBatch;
}

/** A stage II denoiser bound to one batch of low-resolution images. */
export interface Stage2Denoiser extends Denoiser {
  /** The bilinear upsampling of the stage I image to the stage II size. */
  readonly upscaled: ImageBatch;
  /** √ᾱ_nl·upscaled + √(1−ᾱ_nl)·ε with the image-noising schedule: the UNet's extra 3 channels. */
  readonly upscaledNoisy: ImageBatch;
  readonly noiseLevel: number;
}

export interface DeepFloydStage2 {
  readonly manifest: StageManifest;
  sampler(options?: IfSamplerOptions): StridedDdpmSampler;
  /** Upsamples and noises `image` once, and returns the denoiser that feeds it to every step. */
  conditioned(options: Stage2ConditionOptions): Stage2Denoiser;
  release(): Promise<void>;
}

function samplerFor(manifest: StageManifest) {
  return (options: IfSamplerOptions = {}) =>
    ifSampler(manifest.scheduler, {
      ...options,
      numInferenceSteps: options.numInferenceSteps ?? manifest.defaults.numInferenceSteps,
    });
}

export function createStage1(unet: IfUnet, prompts: PromptEmbedder): DeepFloydStage1 {
  return {
    manifest: unet.stage,
    denoiser: createStageDenoiser(unet, prompts),
    sampler: samplerFor(unet.stage),
    release: () => unet.release(),
  };
}

export function createStage2(unet: IfUnet, prompts: PromptEmbedder): DeepFloydStage2 {
  const m = unet.stage;
  const noising = m.imageNoisingScheduler!;
  // Only its schedule is used (add_noise); the single level is a valid timestep list.
  const noisingSampler = new StridedDdpmSampler({ schedule: scheduleOf(noising), timesteps: [0], toClean: true });
  return {
    manifest: m,
    sampler: samplerFor(m),
    conditioned(options) {
      const { image } = options;
      checkFinite("image", image);
      if (image.shape[1] !== m.imageChannels) {
        throw new RangeError(`\`image\` must have ${m.imageChannels} channels (got [${image.shape.join(", ")}])`);
      }
      const noiseLevel = checkNumber("noiseLevel", options.noiseLevel ?? m.defaults.noiseLevel ?? 250, {
        min: 0,
        max: noising.num_train_timesteps - 1,
        integer: true,
      });
      const upscaled = resize(image, m.sampleSize, m.sampleSize, {
        filter: m.upsampling!.mode,
        alignCorners: m.upsampling!.alignCorners,
      });
      const z = "gaussian" in options.noise ? options.noise.gaussian(upscaled.shape, "forward") : options.noise;
      const upscaledNoisy = noisingSampler.addNoiseAt(upscaled, noiseLevel, z);
      const denoiser = createStageDenoiser(unet, prompts, { upscaledNoisy, noiseLevel });
      return { ...denoiser, predict: denoiser.predict, upscaled, upscaledNoisy, noiseLevel };
    },
    release: () => unet.release(),
  };
}
