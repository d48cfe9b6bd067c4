import type { ImageBatch, PixelRange } from "@diffusion-studio/core";
import { decodePng, encodePng, type SamplerName } from "@diffusion-studio/models";
import type { ProgressStage } from "../shared/jobs.ts";
import type { ModelInfo } from "../shared/models.ts";
import { promptCondition } from "../shared/prompts.ts";
import type { TaskContext } from "../worker/job.ts";
import type { ProcedureJob } from "../worker/procedure-job.ts";
import { previewProgress } from "../worker/progress.ts";
import { type Runnable, samplingRun } from "../worker/runnable.ts";
import type { BrowserImage } from "./protocol.ts";

/**
 * The browser's side of procedures.ts: the same procedures and sampling policy as a server job, with pictures
 * encoded as PNG (the models package's codec) and handed to `onImage` / `onProgress` instead of written to files.
 */
export class BrowserJob implements ProcedureJob {
  readonly height: number;
  readonly width: number;
  readonly task: { readonly model: { readonly info: ModelInfo } };

  constructor(
    info: ModelInfo,
    readonly model: Runnable,
    private readonly inputs: { readonly image?: Uint8Array; readonly mask?: Uint8Array },
    readonly ctx: TaskContext,
    private readonly post: {
      readonly image: (image: BrowserImage) => void;
      readonly progress: (step: number, total: number, previews: BrowserImage[], stage?: ProgressStage) => void;
    },
  ) {
    this.task = { model: { info } };
    [, this.height, this.width] = info.shape;
  }

  private png(batch: ImageBatch, index: number, label: string, range: PixelRange): BrowserImage {
    const [, , height, width] = batch.shape;
    return { png: encodePng(batch, index, range), label, width, height };
  }

  async emitResult(batch: ImageBatch, index: number, label: string, range: PixelRange = this.model.pixels.range) {
    this.post.image(this.png(batch, index, label, range));
  }

  condition(prompt: string, field?: string) {
    return promptCondition(prompt, this.task.model.info.conditioning, field);
  }

  async readInput(input: "image" | "mask"): Promise<ImageBatch> {
    const png = this.inputs[input];
    if (!png) throw new Error(`${input}: this procedure needs an uploaded ${input}`);
    return decodePng(png, { channels: 1, range: "unit" });
  }

  sampling(steps: number, seed: number, sampler?: SamplerName) {
    return samplingRun(this.model, steps, seed, this.progressOptions(), sampler);
  }

  /** The steps a server job reports (`reportsStep`: the first, about ten per run, the last), with previews. */
  progressOptions(stage?: ProgressStage) {
    return previewProgress(
      this.ctx.signal,
      (batch, label) => this.png(batch, 0, label, this.model.pixels.range),
      (step, total, previews) => this.post.progress(step, total, previews, stage),
    );
  }
}
