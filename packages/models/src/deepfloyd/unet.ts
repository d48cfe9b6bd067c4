/** One IF UNet session (stage I or II) with the manifest's tensor contract: names, dtypes, fixed sizes. */

import type { StageManifest } from "./manifest.js";
import { inputSpec } from "./manifest.js";
import { floatFeed, floatOutput, type OnnxSession, type TensorFactory } from "./onnx-io.js";
import { DeepFloydFormatError } from "./validate.js";

export interface UnetInputs {
  /** [N, inChannels, S, S]: x_t (stage II: x_t ++ the noised upsampled image). */
  readonly sample: Float32Array;
  /** [N] integer timesteps. */
  readonly timestep: Float32Array;
  /** [N, L, D] text embeddings. */
  readonly encoderHiddenStates: Float32Array;
  /** [N] noise levels (stage II). */
  readonly classLabels?: Float32Array;
}

export class IfUnet {
  /**
   * @param maxBatch the most rows per `session.run` (larger calls are split; default: no limit). Rows are
   *   independent in the UNet, so splitting changes nothing but memory use.
   */
  constructor(
    readonly stage: StageManifest,
    private readonly session: OnnxSession,
    private readonly tensor: TensorFactory,
    readonly maxBatch = Number.POSITIVE_INFINITY,
  ) {
    const names = session.inputNames;
    for (const spec of stage.inputs) {
      if (!names.includes(spec.name)) {
        throw new DeepFloydFormatError(
          `${stage.onnx}: the ONNX model has no input \`${spec.name}\` that the manifest lists (it has ${names.join(", ")})`,
        );
      }
    }
    const out = stage.outputs[0]!.name;
    if (!session.outputNames.includes(out)) {
      throw new DeepFloydFormatError(
        `${stage.onnx}: the ONNX model has no output \`${out}\` (it has ${session.outputNames.join(", ")})`,
      );
    }
  }

  async run(inputs: UnetInputs): Promise<Float32Array> {
    const { sampleSize: s, inChannels, outChannels, textSeqLen, textDim } = this.stage;
    const n = inputs.timestep.length;
    const inItem = inChannels * s * s;
    const outItem = outChannels * s * s;
    const textItem = textSeqLen * textDim;
    if (inputs.sample.length !== n * inItem || inputs.encoderHiddenStates.length !== n * textItem) {
      throw new RangeError(
        `UNet inputs do not hold ${n} rows of [${inChannels}, ${s}, ${s}] and [${textSeqLen}, ${textDim}]`,
      );
    }
    const out = new Float32Array(n * outItem);
    for (let start = 0; start < n; start += this.maxBatch) {
      const m = Math.min(this.maxBatch, n - start);
      const rows = (a: Float32Array, per: number) => (m === n ? a : a.subarray(start * per, (start + m) * per));
      const feeds: Record<string, ReturnType<TensorFactory>> = {};
      const feed = (name: string, data: Float32Array, dims: number[]) => {
        feeds[name] = floatFeed(this.tensor, inputSpec(this.stage.inputs, name), data, dims);
      };
      feed("sample", rows(inputs.sample, inItem), [m, inChannels, s, s]);
      feed("timestep", rows(inputs.timestep, 1), [m]);
      feed("encoder_hidden_states", rows(inputs.encoderHiddenStates, textItem), [m, textSeqLen, textDim]);
      if (this.stage.inputs.some((i) => i.name === "class_labels")) {
        if (!inputs.classLabels) throw new RangeError("this UNet needs `classLabels` (the stage II noise level)");
        feed("class_labels", rows(inputs.classLabels, 1), [m]);
      }
      const result = await this.session.run(feeds);
      out.set(floatOutput(result, this.stage.outputs[0]!.name, m * outItem), start * outItem);
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
