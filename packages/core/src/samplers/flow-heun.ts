import { checkNumber } from "../errors.js";
import { type ImageBatch, imageBatch } from "../tensor.js";
import { eulerUpdate, FlowSampler, uniformFlowTimes } from "./flow-base.js";
import type { ModelPrediction, StepCarry, StepOutput } from "./sampler.js";

export interface FlowHeunConfig {
  /** ODE steps N over t = 0 … 1 (evenly spaced). The run takes 2N − 1 model evaluations. Default 25. */
  readonly steps?: number;
}

/** Heun's predictor, handed to the corrector: where the step started and the slope there. */
interface HeunCarry extends StepCarry {
  readonly x: ImageBatch;
  readonly slope: ImageBatch;
  readonly h: number;
}

/**
 * Heun's second-order method on the flow ODE dx/dt = u(x, t) (Karras et al. 2022, Algorithm 1; diffusers'
 * FlowMatchHeunDiscreteScheduler): x̃ = x_k + h·u(x_k, t_k), then x_{k+1} = x_k + h/2·(u(x_k, t_k) + u(x̃, t_{k+1})).
 * Each evaluation is one step of the sampler, so levels are t_0, t_1, t_1, t_2, t_2, …, t_{N−1}, t_{N−1}, t_N:
 * even steps predict, odd steps correct at the level they repeat. The last step (to the clean image) is Euler only,
 * as in Karras's algorithm, so N ODE steps cost 2N − 1 evaluations.
 */
export class FlowHeunSampler extends FlowSampler {
  readonly name = "flow-heun";
  readonly levels: readonly number[];
  readonly numSteps: number;
  /** ODE steps N. */
  readonly steps: number;

  constructor(config: FlowHeunConfig = {}) {
    super();
    this.steps = checkNumber("steps", config.steps ?? 25, { min: 1, max: 50_000, integer: true });
    const times = uniformFlowTimes(this.steps);
    this.levels = [times[0]!, ...times.slice(1, -1).flatMap((t) => [t, t]), times[this.steps]!];
    this.numSteps = this.levels.length - 1;
  }

  /** The Heun sampler with the most ODE steps whose 2N − 1 evaluations fit in `nfe`. */
  static forEvaluations(nfe: number): FlowHeunSampler {
    checkNumber("nfe", nfe, { min: 1, max: 99_999, integer: true });
    return new FlowHeunSampler({ steps: Math.floor((nfe + 1) / 2) });
  }

  toJSON(): { type: "flow-heun" } & FlowHeunConfig {
    return { type: "flow-heun", steps: this.steps };
  }

  /** Odd steps are correctors (they need the predictor's carry). */
  isCorrector(index: number): boolean {
    return index % 2 === 1;
  }

  step(index: number, x: ImageBatch, output: ModelPrediction, _noise?: ImageBatch, carry?: StepCarry): StepOutput {
    this.checkIndex(index);
    const t = this.levels[index]!;
    const u = this.velocity(x, output);
    const predOriginalSample = this.predictOriginal(t, x, output);
    if (!this.isCorrector(index)) {
      const h = this.levels[index + 1]! - t;
      const prevSample = eulerUpdate(x, h, u);
      const last = index === this.numSteps - 1;
      const next: HeunCarry | undefined = last ? undefined : { sampler: this.name, index, x, slope: u, h };
      return { prevSample, predOriginalSample, carry: next };
    }
    const predictor = this.predictorOf(index, carry);
    const prevSample = imageBatch(x.shape);
    const half = predictor.h / 2;
    for (let i = 0; i < prevSample.data.length; i++) {
      prevSample.data[i] = predictor.x.data[i]! + half * (predictor.slope.data[i]! + u.data[i]!);
    }
    return { prevSample, predOriginalSample };
  }

  private predictorOf(index: number, carry: StepCarry | undefined): HeunCarry {
    if (carry?.sampler !== this.name || carry.index !== index - 1) {
      throw new RangeError(
        `\`carry\` must be the carry of step ${index - 1} (Heun's predictor) for the corrector step ${index} ` +
          `(got ${carry ? `${carry.sampler} step ${carry.index}` : "none"}); a run starts at an even step`,
      );
    }
    return carry as HeunCarry;
  }
}
