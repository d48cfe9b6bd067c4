/**
 * Makes a loaded CS180 model a `@diffusion-studio/core` Denoiser. Every item of one `predict` call (conditional and
 * unconditional branches, views) goes into a single run.
 */
import type { Condition, Denoiser, DenoiserInfo, DenoiserInput, DenoiserOutput } from "@diffusion-studio/core";
import { IMAGE_SHAPE, NUM_CLASSES } from "../nn/kinds.js";
import type { RunnableModel } from "./inference-model.js";

/** One-hot class vectors; `null` rows stay zero (the unconditional branch). */
export function classVectors(conditions: readonly Condition[], classConditioned: boolean): Float32Array {
  const c = new Float32Array(conditions.length * NUM_CLASSES);
  conditions.forEach((cond, i) => {
    if (cond === null) return;
    if ("prompt" in cond) throw new Error(`\`conditions[${i}]\`: MNIST models take class labels, not prompts`);
    if (!classConditioned) throw new Error(`\`conditions[${i}]\`: this model is not class-conditioned; pass null`);
    const label = cond.classLabel;
    if (!Number.isInteger(label) || label < 0 || label >= NUM_CLASSES) {
      throw new RangeError(
        `\`conditions[${i}].classLabel\` must be an integer in [0, ${NUM_CLASSES - 1}]; got ${label}`,
      );
    }
    c[i * NUM_CLASSES + label] = 1;
  });
  return c;
}

export function createDenoiser(model: RunnableModel): Denoiser {
  const card = model.card;
  if (card.prediction === "logits") throw new Error("a classifier is not a denoiser");
  const prediction = card.prediction;
  const info: DenoiserInfo = {
    channels: IMAGE_SHAPE[0],
    height: IMAGE_SHAPE[1],
    width: IMAGE_SHAPE[2],
    prediction,
    time: card.time === "discrete" ? "discrete" : "continuous",
    learnedVariance: false,
  };
  return {
    info,
    async predict(input: DenoiserInput, signal?): Promise<DenoiserOutput> {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      const [batch, channels, height, width] = input.x.shape;
      if (channels !== info.channels || height !== info.height || width !== info.width) {
        throw new RangeError(`\`x.shape\` must be [B, 1, 28, 28]; got [${input.x.shape.join(", ")}]`);
      }
      if (input.t.length !== batch) throw new RangeError(`\`t\` has ${input.t.length} values for ${batch} items`);
      if (input.conditions.length !== batch) {
        throw new RangeError(`\`conditions\` has ${input.conditions.length} entries for ${batch} items`);
      }
      const scale = card.time === "discrete" ? 1 / (card.numTrainTimesteps ?? 1) : 1;
      const t = input.t.map((v) => v * scale);
      const c = classVectors(input.conditions, card.classConditioned);
      const out = await model.run({ x: input.x.data, t, c });
      return { kind: prediction, prediction: { data: out, shape: input.x.shape } };
    },
  };
}
