import type { ImageBatch } from "../tensor.js";
import { eulerUpdate, UniformFlowSampler } from "./flow-base.js";
import type { ModelPrediction, StepOutput } from "./sampler.js";

export interface FlowEulerConfig {
  /** Number of Euler steps N (course's num_ts). Default 50. */
  readonly numSteps?: number;
}

/**
 * Rectified-flow / flow-matching Euler sampler (CS180 part B, Algorithm B.2): t in [0, 1], t = 0 is noise and t = 1
 * is clean, x_t = (1−t)·x0 + t·x1 with x0 ~ N(0, I). Levels are k/N for k = 0 … N; each step is x ← x + (1/N)·u(x, t).
 */
export class FlowEulerSampler extends UniformFlowSampler {
  readonly name = "flow-euler";

  constructor(config: FlowEulerConfig = {}) {
    super(config.numSteps ?? 50);
  }

  toJSON(): { type: "flow-euler" } & FlowEulerConfig {
    return { type: "flow-euler", numSteps: this.numSteps };
  }

  step(index: number, x: ImageBatch, output: ModelPrediction): StepOutput {
    this.checkIndex(index);
    const t = this.levels[index]!;
    const u = this.velocity(x, output);
    return {
      prevSample: eulerUpdate(x, this.levels[index + 1]! - t, u),
      predOriginalSample: this.predictOriginal(t, x, output),
    };
  }
}
