/**
 * IF stages as `@diffusion-studio/core` Denoisers. One `predict` = one UNet run over every item (core lays a step out
 * as [conditional…, unconditional…] per branch); the rows are fed unconditional-first, as diffusers'
 * `cat([negative, positive])`, and the 2C-channel output is split into ε (first C) and the learned-range value v.
 */
import type { Denoiser, DenoiserInfo, DenoiserInput, DenoiserOutput, ImageBatch } from "@diffusion-studio/core";
import { imageBatch, throwIfAborted } from "@diffusion-studio/core";
import type { PromptEmbedder } from "./prompts.js";
import { promptsOf } from "./prompts.js";
import type { IfUnet } from "./unet.js";

/** Stage II's extra input: the noised, upsampled stage I image and its noise level. */
export interface LowResConditioning {
  /** [B, C, S, S]; model item j uses image j mod B (so CFG branches and views share it). */
  readonly upscaledNoisy: ImageBatch;
  readonly noiseLevel: number;
}

export function stageInfo(unet: IfUnet): DenoiserInfo {
  const m = unet.stage;
  return {
    channels: m.imageChannels,
    height: m.sampleSize,
    width: m.sampleSize,
    prediction: m.scheduler.prediction_type,
    time: "discrete",
    learnedVariance: m.scheduler.variance_type.startsWith("learned") && m.outChannels === 2 * m.imageChannels,
  };
}

/** Indices with the null prompt first, then the rest, each group in its original order. */
function unconditionalFirst(prompts: readonly string[], nullPrompt: string): number[] {
  const order = prompts.flatMap((p, i) => (p === nullPrompt ? [i] : []));
  prompts.forEach((p, i) => {
    if (p !== nullPrompt) order.push(i);
  });
  return order;
}

export function createStageDenoiser(unet: IfUnet, prompts: PromptEmbedder, lowRes?: LowResConditioning): Denoiser {
  const stage = unet.stage;
  // Stage II pairs batch item k with low-resolution image k in every branch; it takes exactly that many per branch.
  const info = lowRes ? { ...stageInfo(unet), batchSize: lowRes.upscaledNoisy.shape[0] } : stageInfo(unet);
  const { imageChannels: c, sampleSize: s, textSeqLen, textDim } = stage;
  const plane = s * s;
  const item = c * plane;
  if (stage.stage === 2 && !lowRes) throw new RangeError("a stage II denoiser needs its low-resolution image");
  if (lowRes) {
    const [, lc, lh, lw] = lowRes.upscaledNoisy.shape;
    if (lc !== c || lh !== s || lw !== s) {
      throw new RangeError(
        `the upsampled image must be [B, ${c}, ${s}, ${s}] (got [${lowRes.upscaledNoisy.shape.join(", ")}])`,
      );
    }
  }
  return {
    info,
    async predict(input: DenoiserInput, signal?): Promise<DenoiserOutput> {
      throwIfAborted(signal);
      const [n, xc, xh, xw] = input.x.shape;
      if (xc !== c || xh !== s || xw !== s) {
        throw new RangeError(
          `\`x.shape\` must be [B, ${c}, ${s}, ${s}] for ${stage.modelId} (got [${input.x.shape.join(", ")}])`,
        );
      }
      if (input.t.length !== n) throw new RangeError(`\`t\` has ${input.t.length} values for ${n} items`);
      if (input.conditions.length !== n) {
        throw new RangeError(`\`conditions\` has ${input.conditions.length} entries for ${n} items`);
      }
      const lowBatch = lowRes?.upscaledNoisy.shape[0] ?? 1;
      if (lowRes && n % lowBatch !== 0) {
        throw new RangeError(`stage II got ${n} items for ${lowBatch} low-resolution images (need a multiple)`);
      }
      const names = promptsOf(input.conditions, prompts.nullPrompt);
      const embeddings = await prompts.embed(names);
      const order = unconditionalFirst(names, prompts.nullPrompt);

      const inItem = stage.inChannels * plane;
      const textItem = textSeqLen * textDim;
      const sample = new Float32Array(n * inItem);
      const timestep = new Float32Array(n);
      const text = new Float32Array(n * textItem);
      order.forEach((src, row) => {
        sample.set(input.x.data.subarray(src * item, (src + 1) * item), row * inItem);
        if (lowRes) {
          const k = src % lowBatch;
          sample.set(lowRes.upscaledNoisy.data.subarray(k * item, (k + 1) * item), row * inItem + item);
        }
        timestep[row] = input.t[src]!;
        text.set(embeddings[src]!, row * textItem);
      });
      const classLabels = lowRes ? new Float32Array(n).fill(lowRes.noiseLevel) : undefined;
      const out = await unet.run({ sample, timestep, encoderHiddenStates: text, classLabels });
      throwIfAborted(signal);

      const outItem = stage.outChannels * plane;
      const prediction = imageBatch(input.x.shape);
      const variance = info.learnedVariance ? imageBatch(input.x.shape) : undefined;
      order.forEach((src, row) => {
        prediction.data.set(out.subarray(row * outItem, row * outItem + item), src * item);
        variance?.data.set(out.subarray(row * outItem + item, row * outItem + 2 * item), src * item);
      });
      return variance ? { kind: info.prediction, prediction, variance } : { kind: info.prediction, prediction };
    },
  };
}
