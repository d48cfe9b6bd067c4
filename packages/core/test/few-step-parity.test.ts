import { describe, expect, it } from "vitest";
import {
  DdimSampler,
  type Denoiser,
  DpmSolverSampler,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
  type ImageBatch,
  imageBatch,
  NoiseReplay,
  type Sampler,
  type ScheduleConfig,
  type Shape,
  sample,
} from "../src/index.js";
import fixtureJson from "./fixtures/few-step-schedulers.json" with { type: "json" };

/** One whole loop recorded from diffusers 0.42.1 by tooling/scheduler-fixtures/generate.py. */
interface Loop {
  name: string;
  sampler: "ddim" | "dpm-solver" | "flow-euler" | "flow-heun" | "flow-dpm-solver";
  schedule?: Record<string, string | number>;
  eta?: number;
  steps?: number;
  shape: number[];
  /** diffusers' timestep of every model call (flow: σ·1000). */
  calls: number[];
  initial: number[];
  noises: number[][];
  /** x after every step. */
  outputs: number[][];
}

const loops = (fixtureJson as unknown as { loops: Loop[] }).loops;
const f = Math.fround;

function schedule(loop: Loop): ScheduleConfig {
  const s = loop.schedule!;
  const T = s.num_train_timesteps as number;
  return s.beta_schedule === "linear"
    ? { type: "linear", numTrainTimesteps: T, betaStart: s.beta_start as number, betaEnd: s.beta_end as number }
    : { type: "squaredcos_cap_v2", numTrainTimesteps: T };
}

/** Our sampler for a recorded loop: ε samplers visit diffusers' own timesteps, flow samplers the grid k/N. */
function samplerFor(loop: Loop): Sampler {
  const timesteps = loop.calls;
  switch (loop.sampler) {
    case "ddim":
      return new DdimSampler({ schedule: schedule(loop), timesteps, eta: loop.eta });
    case "dpm-solver":
      return new DpmSolverSampler({ schedule: schedule(loop), timesteps });
    case "flow-euler":
      return new FlowEulerSampler({ numSteps: loop.steps });
    case "flow-heun":
      return new FlowHeunSampler({ steps: loop.steps });
    case "flow-dpm-solver":
      return new FlowDpmSolverSampler({ numSteps: loop.steps });
  }
}

/** The generator's stand-in networks, in float32: ε = 0.9x + 0.05·t/1000; flow v = 0.9x + 0.05σ − 0.3, u = −v. */
function standIn(loop: Loop, sampler: Sampler): Denoiser & { times: number[] } {
  const flow = sampler.time === "continuous";
  const times: number[] = [];
  return {
    times,
    info: {
      channels: loop.shape[1]!,
      height: loop.shape[2]!,
      width: loop.shape[3]!,
      prediction: flow ? "velocity" : "epsilon",
      time: sampler.time,
      learnedVariance: false,
    },
    async predict({ x, t }) {
      times.push(t[0]!);
      const out = imageBatch(x.shape);
      const shift = flow ? f(f(f(1 - t[0]!) * f(0.05)) - f(0.3)) : f(f(t[0]! / 1000) * f(0.05));
      for (let i = 0; i < out.data.length; i++) {
        const v = f(f(f(0.9) * x.data[i]!) + shift);
        out.data[i] = flow ? -v : v;
      }
      return { kind: flow ? "velocity" : "epsilon", prediction: out };
    },
  };
}

const batch = (shape: number[], values: number[]): ImageBatch => ({
  shape: shape as unknown as Shape,
  data: Float32Array.from(values),
});

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe("few-step samplers match diffusers 0.42.1 over whole loops", () => {
  it.each(loops.map((loop) => [loop.name, loop] as const))("%s", async (_name, loop) => {
    const sampler = samplerFor(loop);
    expect(sampler.numSteps, "one model evaluation per step").toBe(loop.calls.length);
    const denoiser = standIn(loop, sampler);
    const outputs: Float32Array[] = [];
    // diffusers' DDIM also draws noise for its last step, where σ = 0 (multiplied by 0); ours draws none there.
    const drawn = loop.noises.slice(
      0,
      sampler.levels.filter((_, i) => i < sampler.numSteps && sampler.stepNeedsNoise(i)).length,
    );
    const noise = new NoiseReplay([loop.initial, ...drawn].map((n) => batch(loop.shape, n)));
    const final = await sample({
      denoiser,
      sampler,
      noise,
      condition: null,
      batchSize: loop.shape[0],
      onProgress: ({ x }) => {
        outputs.push(x.data);
      },
    });
    expect(noise.remaining).toBe(0);
    // The model was called at diffusers' times (flow: t = 1 − σ) …
    const expectedTimes = sampler.time === "continuous" ? loop.calls.map((c) => 1 - c / 1000) : loop.calls;
    denoiser.times.forEach((t, i) => {
      expect(t, `call ${i}`).toBeCloseTo(expectedTimes[i]!, 5);
    });
    // … and every step's output agrees to float32 rounding (relative 1e-5, absolute below 1).
    outputs.forEach((x, i) => {
      expect(maxRelDiff(x, loop.outputs[i]!), `step ${i}`).toBeLessThan(1e-5);
    });
    expect(maxRelDiff(final.data, loop.outputs.at(-1)!)).toBeLessThan(1e-5);
  });
});
