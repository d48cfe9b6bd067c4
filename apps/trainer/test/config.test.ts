import { describe, expect, it } from "vitest";
import { experimentNames, experiments } from "../src/config/experiments.js";
import {
  ConfigError,
  lrAtEpoch,
  lrGamma,
  parseAssignments,
  resolveConfig,
  validateConfig,
} from "../src/config/resolve.js";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("named experiments", () => {
  it("are all valid and named after their key", () => {
    expect(experimentNames).toEqual([
      "denoiser",
      "denoiser-pure-noise",
      "flow-time",
      "flow-time-improved",
      "flow-class",
      "flow-class-no-sched",
      "ddpm-class",
      "ddpm-class-cosine",
      "classifier",
    ]);
    for (const name of experimentNames) expect(validateConfig(experiments[name]).experiment).toBe(name);
  });

  it("match the spec's hyper-parameters", () => {
    const d = resolveConfig("denoiser");
    expect([d.batch, d.hidden, d.lr, d.epochs, d.lrSchedule.kind]).toEqual([256, 128, 1e-4, 5, "constant"]);
    expect(d.objective === "denoise" && d.denoise.sigma).toBe(0.5);
    expect(d.objective === "denoise" && d.denoise.sigmaSweep).toEqual([0, 0.2, 0.4, 0.5, 0.6, 0.8, 1]);
    expect(resolveConfig("denoiser-pure-noise")).toMatchObject({ denoise: { pureNoise: true } });

    const f = resolveConfig("flow-time");
    expect([f.batch, f.hidden, f.lr, f.epochs]).toEqual([64, 64, 1e-2, 10]);
    expect(lrGamma(f)).toBeCloseTo(0.1 ** (1 / 10), 12);
    expect(lrAtEpoch(f, 10)).toBeCloseTo(1e-3, 12);
    const fi = resolveConfig("flow-time-improved");
    expect([fi.hidden, fi.lr, fi.epochs]).toEqual([128, 5e-3, 20]);
    expect(lrAtEpoch(fi, 20)).toBeCloseTo(5e-4, 12);

    expect(resolveConfig("flow-class")).toMatchObject({
      flow: { conditioning: "class", pUncond: 0.1, cfgScale: 5 },
      samples: { count: 40, columns: 10 },
      lrSchedule: { kind: "exponential", finalFactor: 0.1 },
    });
    const noSched = resolveConfig("flow-class-no-sched");
    expect(lrGamma(noSched)).toBe(1);
    expect(lrAtEpoch(noSched, 9)).toBe(1e-2);

    const ddpm = resolveConfig("ddpm-class");
    expect([ddpm.batch, ddpm.hidden, ddpm.lr, ddpm.epochs]).toEqual([128, 64, 1e-3, 20]);
    expect(ddpm).toMatchObject({ ddpm: { schedule: { kind: "linear", T: 300, betaStart: 1e-4, betaEnd: 0.02 } } });
    expect(resolveConfig("ddpm-class-cosine")).toMatchObject({
      ddpm: { schedule: { kind: "cosine", T: 1000 }, sampleStride: 30, pUncond: 0.1, cfgScale: 5 },
    });
  });
});

describe("overrides", () => {
  it("apply shortcuts and dotted fields, and keep the tenfold decay when epochs change", () => {
    const c = resolveConfig("flow-class", { epochs: 2, hidden: 8, "flow.cfgScale": 3, "samples.scale": 2 });
    expect(c).toMatchObject({ epochs: 2, hidden: 8, flow: { cfgScale: 3 }, samples: { scale: 2 } });
    expect(lrAtEpoch(c, 2)).toBeCloseTo(1e-3, 12);
    // The catalogue itself is untouched.
    expect(experiments["flow-class"]!.epochs).toBe(10);
  });

  it("parse command-line assignments as JSON when they can", () => {
    expect(
      parseAssignments(["flow.conditioning=time", "epochs=3", "dropLast=false", 'lrSchedule={"kind":"constant"}']),
    ).toEqual({ "flow.conditioning": "time", epochs: 3, dropLast: false, lrSchedule: { kind: "constant" } });
    expect(messageOf(() => parseAssignments(["epochs"]))).toMatch(/^epochs: expected field=value/);
  });

  it("name the field, the allowed range and the value given", () => {
    expect(messageOf(() => resolveConfig("flow-time", { hidden: 1000 }))).toBe(
      "hidden: must be an integer in [1, 512], got 1000",
    );
    expect(messageOf(() => resolveConfig("flow-time", { epochs: 2.5 }))).toBe(
      "epochs: must be an integer in [1, 1000], got 2.5",
    );
    expect(messageOf(() => resolveConfig("flow-time", { lr: 0 }))).toBe("lr: must be a number in (0, 1], got 0");
    expect(messageOf(() => resolveConfig("flow-time", { lr: "fast" }))).toBe(
      'lr: must be a number in (0, 1], got "fast"',
    );
    expect(messageOf(() => resolveConfig("flow-class", { "flow.pUncond": 1.5 }))).toBe(
      "flow.pUncond: must be a number in [0, 1], got 1.5",
    );
    expect(messageOf(() => resolveConfig("flow-class", { "flow.conditioning": "text" }))).toBe(
      'flow.conditioning: must be one of "time", "class", got "text"',
    );
  });

  it("report every problem at once", () => {
    expect(messageOf(() => resolveConfig("denoiser", { batch: 0, "denoise.sigma": -1 })).split("\n")).toEqual([
      "batch: must be an integer in [1, 60000], got 0",
      "denoise.sigma: must be a number in [0, 10], got -1",
    ]);
  });

  it("reject unknown fields and experiments, naming what exists", () => {
    expect(messageOf(() => resolveConfig("flow-time", { "flow.cfgscale": 2 }))).toMatch(
      /^flow\.cfgscale: unknown field; known fields here: conditioning, pUncond, cfgScale, sampleSteps$/,
    );
    expect(messageOf(() => resolveConfig("flow-time", { "denoise.sigma": 2 }))).toMatch(
      /^denoise\.sigma: unknown field; known fields here: experiment, version/,
    );
    expect(messageOf(() => resolveConfig("flow-time", { objective: "ddpm" }))).toMatch(/^objective: cannot be/);
    expect(messageOf(() => resolveConfig("flowtime"))).toMatch(/^experiment: unknown experiment "flowtime"; one of/);
  });
});

describe("cross-field checks", () => {
  it("a batch larger than the training examples is refused, naming both", () => {
    expect(messageOf(() => resolveConfig("flow-time", { trainExamples: 100, batch: 128 }))).toBe(
      "batch: must be at most trainExamples (100), got 128",
    );
  });
});
