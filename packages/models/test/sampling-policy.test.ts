/**
 * The sampling policy decides sampler, timesteps, defaults and course times from the card alone; the unconditional
 * models run one model pass per step even when a CFG γ is passed.
 */
import {
  DdimSampler,
  type Denoiser,
  DpmSolverSampler,
  FlowDpmSolverSampler,
  FlowEulerSampler,
  FlowHeunSampler,
  Rng,
  type StridedDdpmSampler,
  sample,
  stridedTimesteps,
} from "@diffusion-studio/core";
import { describe, expect, it } from "vitest";
import { buildInferenceGraph, initWeights } from "../src/graphs.js";
import { type ModelKind, modelCard } from "../src/nn/kinds.js";
import { loadInferenceModel } from "../src/node.js";
import { createDenoiser } from "../src/runtime/denoiser.js";
import { COURSE_TIMESTEPS, discreteTimesteps, samplerFor, samplingPolicy } from "../src/sampling/policy.js";
import { runtime } from "./helpers.js";

const cosine = { type: "squaredcos_cap_v2", numTrainTimesteps: 1000 } as const;

describe("samplingPolicy", () => {
  it("flow models: Euler with the requested steps, 50 by default, γ = 5 only when class-conditioned", () => {
    const policy = samplingPolicy(modelCard("flow-class", 8));
    expect(policy.samplers).toEqual(["flow-euler", "flow-heun", "flow-dpm-solver"]);
    expect(policy.defaults).toEqual({ sampler: "flow-euler", steps: 50, guidanceScale: 5 });
    const sampler = policy.sampler({ steps: 20 });
    expect(sampler).toBeInstanceOf(FlowEulerSampler);
    expect(sampler.numSteps).toBe(20);
    expect(samplingPolicy(modelCard("flow-time", 8)).defaults).toEqual({ sampler: "flow-euler", steps: 50 });
  });

  it("ε models on T = 300: the full ancestral walk with σ² = β by default, evenly spaced otherwise", () => {
    const policy = samplingPolicy(modelCard("ddpm-class", 8));
    expect(policy.defaults.steps).toBe(300);
    const full = policy.sampler() as StridedDdpmSampler;
    expect(full.timesteps).toEqual(stridedTimesteps(299, 1, 0));
    expect(full.variance).toBe("fixed_large");
    const short = policy.sampler({ steps: 30 }) as StridedDdpmSampler;
    expect(short.timesteps[0]).toBe(299);
    expect(short.numSteps).toBe(30); // 30 timesteps, then to the clean image
    expect(short.variance).toBe("fixed_small");
    expect(policy.sampler({ stride: 1 }).toJSON()).toEqual(full.toJSON());
  });

  it("ε models on T = 1000: part A's 990, 960, …, 0 at 34 steps or stride 30, on the card's own β schedule", () => {
    const policy = samplingPolicy(modelCard("ddpm-class", 8, { noiseSchedule: cosine }));
    expect(policy.defaults).toEqual({ sampler: "ddpm", steps: 34, guidanceScale: 5 });
    const course = policy.sampler() as StridedDdpmSampler;
    expect(course.timesteps).toEqual(COURSE_TIMESTEPS);
    expect(course.schedule.config).toMatchObject(cosine);
    expect((policy.sampler({ stride: 30 }) as StridedDdpmSampler).timesteps).toEqual(COURSE_TIMESTEPS);
  });

  it("starts a few-step T = 1000 walk at part A's 990, where x̂0 is 64× the ε error, not 650× as at 999", () => {
    expect(discreteTimesteps(1000, { steps: 4 })).toEqual([990, 742, 495, 247]);
    expect(discreteTimesteps(1000, { steps: 8 })[0]).toBe(990);
    const most = discreteTimesteps(1000, { steps: 990 });
    expect([most.length, most[0], most.every((t, i) => i === 0 || t < most[i - 1]!)]).toEqual([990, 990, true]);
    expect(discreteTimesteps(1000, { steps: 995 })[0]).toBe(999); // more steps than 990 … 1 holds
    expect(discreteTimesteps(300, { steps: 30 })[0]).toBe(299); // the linear T = 300 schedule keeps its top
  });

  it("maps the course's 0–1000 times to each model's own time", () => {
    expect(samplingPolicy(modelCard("flow-time", 8)).courseTime(250)).toBe(0.75);
    expect(samplingPolicy(modelCard("ddpm-class", 8)).courseTime(500)).toBe(150);
    expect(samplingPolicy(modelCard("ddpm-class", 8, { noiseSchedule: cosine })).courseTime(1000)).toBe(999);
  });

  it("fits the hybrid blur inside a 28-pixel image (the course's 33 taps do not)", () => {
    const policy = samplingPolicy(modelCard("flow-class", 8));
    expect(policy.hybridKernelSize(2)).toBe(13);
    expect(policy.hybridKernelSize(10)).toBe(25);
  });

  it("uses a sampling choice recorded in the card as the default", () => {
    const card = modelCard("flow-class", 8, { sampling: { sampler: "flow-euler", steps: 12, guidanceScale: 3 } });
    expect(samplingPolicy(card).defaults).toEqual({ sampler: "flow-euler", steps: 12, guidanceScale: 3 });
    expect(samplerFor(card).numSteps).toBe(12);
  });

  it("takes the few-step default `evaluate --sweep` recorded (the published cards' shape)", () => {
    const sampling = { sampler: "flow-dpm-solver", steps: 8, guidanceScale: 5 };
    const policy = samplingPolicy(modelCard("flow-class", 8, { sampling }));
    expect(policy.defaults).toEqual(sampling);
    expect(policy.course).toEqual({ sampler: "flow-euler", steps: 50, guidanceScale: 5 });
    const sampler = policy.sampler();
    expect(sampler).toBeInstanceOf(FlowDpmSolverSampler);
    expect(sampler.numSteps).toBe(8);
    // A caller can still ask for the course's sampler by name.
    expect(policy.sampler({ sampler: "flow-euler" })).toBeInstanceOf(FlowEulerSampler);
    const heun = samplingPolicy(modelCard("flow-time", 8, { sampling: { sampler: "flow-heun", steps: 7 } }));
    expect(heun.sampler()).toBeInstanceOf(FlowHeunSampler);
    expect(heun.sampler().numSteps).toBe(7); // 4 Heun steps: 2·4 − 1 evaluations
    expect(heun.sampler({ steps: 8 }).numSteps).toBe(7); // an even budget fits the same 4 steps
  });

  it("ε models offer DDIM (η = 0) and DPM-Solver++ on the card's own schedule and timesteps", () => {
    const policy = samplingPolicy(modelCard("ddpm-class", 8, { noiseSchedule: cosine }));
    expect(policy.samplers).toEqual(["ddpm", "ddim", "dpm-solver"]);
    const ddim = policy.sampler({ sampler: "ddim", steps: 10 }) as DdimSampler;
    expect(ddim).toBeInstanceOf(DdimSampler);
    expect(ddim.eta).toBe(0);
    expect(ddim.timesteps).toEqual((policy.sampler({ steps: 10 }) as StridedDdpmSampler).timesteps);
    expect(ddim.schedule.config).toMatchObject(cosine);
    const dpm = policy.sampler({ sampler: "dpm-solver" }) as DpmSolverSampler;
    expect(dpm).toBeInstanceOf(DpmSolverSampler);
    expect(dpm.timesteps).toEqual(COURSE_TIMESTEPS); // the card's default count (34) means part A's list
  });

  it("refuses bad requests and cards by name, with the allowed range", () => {
    const ddpm = samplingPolicy(modelCard("ddpm-class", 8));
    expect(() => ddpm.sampler({ steps: 301 })).toThrow("`steps` must be an integer in [1, 300] (got 301)");
    expect(() => ddpm.sampler({ steps: 10, stride: 3 })).toThrow("give `steps` or `stride`, not both");
    expect(() => ddpm.sampler({ sampler: "flow-euler" })).toThrow(
      '`sampler` must be one of "ddpm", "ddim", "dpm-solver" for this model (got "flow-euler")',
    );
    expect(() => samplingPolicy(modelCard("flow-time", 8)).sampler({ stride: 2 })).toThrow(/`stride` is for/);
    expect(() => samplingPolicy(modelCard("classifier", 8))).toThrow(/`card.prediction` must be "velocity" or/);
    const damaged = modelCard("flow-time", 8, { sampling: { sampler: "heun", steps: 10 } });
    expect(() => samplingPolicy(damaged)).toThrow(RangeError);
    expect(() => samplingPolicy(damaged)).toThrow(
      '`card.sampling.sampler` must be one of "flow-euler", "flow-heun", "flow-dpm-solver" for this model (got "heun")',
    );
    expect(() => samplingPolicy(modelCard("flow-time", 8)).sampler({ sampler: "euler" as never })).toThrow(RangeError);
    expect(() => ddpm.courseTime(1200)).toThrow("`t` must be a finite number in [0, 1000] (got 1200)");
  });
});

/** A denoiser that records the batch size of every model call. */
function counting(denoiser: Denoiser): Denoiser & { batches: number[] } {
  const batches: number[] = [];
  return {
    info: denoiser.info,
    batches,
    predict(input, signal) {
      batches.push(input.x.shape[0]);
      return denoiser.predict(input, signal);
    },
  };
}

async function smallModel(kind: ModelKind) {
  return loadInferenceModel(buildInferenceGraph(kind, 8, initWeights(kind, 8, 0)), { runtime });
}

describe("every sampler row on a real ONNX model", () => {
  for (const kind of ["flow-class", "ddpm-class"] as const) {
    it(`${kind}: each of its samplers makes finite images in the evaluations it is asked for`, async () => {
      const model = await smallModel(kind);
      const policy = samplingPolicy(model.card);
      for (const name of policy.samplers) {
        const denoiser = counting(createDenoiser(model));
        const images = await sample({
          denoiser,
          sampler: policy.sampler({ sampler: name, steps: 5 }),
          noise: new Rng(3),
          condition: { classLabel: 2 },
          batchSize: 2,
          guidanceScale: 2,
        });
        expect(images.shape, name).toEqual([2, 1, 28, 28]);
        expect(images.data.every(Number.isFinite), name).toBe(true);
        expect(denoiser.batches, name).toEqual(Array(5).fill(4)); // 5 evaluations (Heun: 3 steps), both CFG branches
      }
      await model.dispose();
    });
  }
});

describe("CFG on real ONNX models", () => {
  it("an unconditional model runs one pass of the batch per step even when γ is given", async () => {
    const model = await smallModel("flow-time");
    const denoiser = counting(createDenoiser(model));
    const sampler = samplerFor(model.card, { steps: 3 });
    const options = { denoiser, sampler, noise: new Rng(1), condition: null, batchSize: 4 };
    const guided = await sample({ ...options, guidanceScale: 5 });
    expect(denoiser.batches).toEqual([4, 4, 4]);
    const plain = await sample({ ...options, noise: new Rng(1) });
    expect(guided.data).toEqual(plain.data);
    await model.dispose();
  });

  it("a class-conditioned model still batches both branches (2 × 4 rows per step)", async () => {
    const model = await smallModel("flow-class");
    const denoiser = counting(createDenoiser(model));
    await sample({
      denoiser,
      sampler: samplerFor(model.card, { steps: 2 }),
      noise: new Rng(1),
      condition: { classLabel: 7 },
      batchSize: 4,
      guidanceScale: 5,
    });
    expect(denoiser.batches).toEqual([8, 8]);
    await model.dispose();
  });
});
