/** A sampler's JSON pins every field, defaults included, and old short JSON still rebuilds the same sampler. */
import { describe, expect, it } from "vitest";
import {
  ancestralDdpmSampler,
  courseSampler,
  FlowEulerSampler,
  linearSchedule,
  makeSampler,
  makeSchedule,
  type SamplerConfig,
  StridedDdpmSampler,
  stridedTimesteps,
} from "../src/index.js";

describe("sampler JSON", () => {
  it("a default StridedDdpmSampler writes its variance, schedule and every option", () => {
    expect(new StridedDdpmSampler().toJSON()).toEqual({
      type: "strided-ddpm",
      schedule: { type: "squaredcos_cap_v2", numTrainTimesteps: 1000, maxBeta: 0.999 },
      timesteps: stridedTimesteps(990, 30, 0),
      toClean: false,
      variance: "fixed_small",
      thresholding: false,
      clipSample: false,
    });
    expect(ancestralDdpmSampler().toJSON()).toMatchObject({
      schedule: { type: "linear", numTrainTimesteps: 300, betaStart: 1e-4, betaEnd: 0.02 },
      toClean: true,
      variance: "fixed_large",
    });
    expect(courseSampler().toJSON()).toMatchObject({ variance: "learned_range" });
    expect(new FlowEulerSampler().toJSON()).toEqual({ type: "flow-euler", numSteps: 50 });
  });

  it("round-trips through JSON text to the same sampler", () => {
    const sampler = new StridedDdpmSampler({
      timesteps: [999, 500, 0],
      toClean: true,
      variance: "fixed_large",
      thresholding: { ratio: 0.95, maxValue: 1.5 },
    });
    const rebuilt = makeSampler(JSON.parse(JSON.stringify(sampler.toJSON())) as SamplerConfig);
    expect(rebuilt.toJSON()).toEqual(sampler.toJSON());
  });

  it("still reads the short JSON older versions stored (defaults filled in as before)", () => {
    const old = makeSampler({ type: "strided-ddpm", schedule: { type: "linear" }, timesteps: [299, 150, 0] });
    expect(old.toJSON()).toMatchObject({ variance: "fixed_small", toClean: false, schedule: linearSchedule().config });
    expect(makeSchedule({ type: "squaredcos_cap_v2" }).config).toEqual({
      type: "squaredcos_cap_v2",
      numTrainTimesteps: 1000,
      maxBeta: 0.999,
    });
  });
});
