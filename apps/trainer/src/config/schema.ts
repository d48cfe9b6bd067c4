import { z } from "zod";
import { flag, intIn, numberIn, oneOf } from "./fields.js";

/** Adam's constants (PyTorch defaults unless a config says otherwise). */
const adam = z.strictObject({
  beta1: numberIn(0, 0.9999),
  beta2: numberIn(0, 0.99999),
  eps: numberIn(0, 1, { minExclusive: true }),
});

/**
 * Learning-rate schedule, stepped once per epoch. `exponential` is PyTorch's ExponentialLR with
 * γ = finalFactor^(1/epochs), so the rate ends `finalFactor` times the initial one (the course: 0.1).
 */
const lrSchedule = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("constant") }),
    z.strictObject({ kind: z.literal("exponential"), finalFactor: numberIn(0, 1, { minExclusive: true }) }),
  ],
  { error: 'must be {"kind":"constant"} or {"kind":"exponential","finalFactor":…}' },
);

/** What every experiment shares: the run's identity, data, width, optimiser and bookkeeping. */
const common = {
  experiment: z.string().min(1),
  version: intIn(1, 1000),
  description: z.string(),
  seed: intIn(0, 4294967295),
  epochs: intIn(1, 1000),
  /** Train on the first N examples of the training split only (smoke tests); 60000 is all of MNIST. */
  trainExamples: intIn(1, 60000),
  /** Minibatch size. */
  batch: intIn(1, 60000),
  /** The UNet's hidden width D (or the classifier's base width). */
  hidden: intIn(1, 512),
  /** Initial learning rate. */
  lr: numberIn(0, 1, { minExclusive: true }),
  adam,
  lrSchedule,
  /** Drop each epoch's last, smaller batch so that every step has the same static shape. */
  dropLast: flag(),
  /** Write a metrics line every this many steps. */
  logEvery: intIn(1, 100000),
  /** Save a checkpoint every this many steps (epoch ends always save one). */
  checkpointEvery: intIn(1, 1000000),
};

/** Sample grids drawn after every epoch. */
const samples = z.strictObject({
  /** Number of images in each grid. */
  count: intIn(1, 400),
  /** Images per grid row. */
  columns: intIn(1, 40),
  /** Integer upscaling of each 28×28 digit in the PNG (nearest neighbour, so digits stay crisp). */
  scale: intIn(1, 16),
});

const denoiser = z.strictObject({
  ...common,
  objective: z.literal("denoise"),
  denoise: z.strictObject({
    /** Training noise level: z = x + σ·ε. */
    sigma: numberIn(0, 10),
    /** Train on z = ε alone (spec §4.2 "denoising pure noise"); the optimum is the training-set mean image. */
    pureNoise: flag(),
    /** Noise levels of the out-of-distribution grid. */
    sigmaSweep: z.array(numberIn(0, 10)).min(1).max(16),
  }),
  samples,
});

const flow = z.strictObject({
  ...common,
  objective: z.literal("flow"),
  flow: z.strictObject({
    /** `time`: multiplicative time conditioning; `class`: one-hot classes with CFG (spec §4.3). */
    conditioning: oneOf(["time", "class"]),
    /** Probability that a training example's class vector is zeroed (class conditioning only). */
    pUncond: numberIn(0, 1),
    /** Classifier-free guidance scale γ for class-conditioned sampling. */
    cfgScale: numberIn(0, 100),
    /** Euler steps of the sampler. */
    sampleSteps: intIn(1, 1000),
  }),
  samples,
});

const ddpmSchedule = z.discriminatedUnion(
  "kind",
  [
    /** The course's fa24 variant: β linear from betaStart to betaEnd over T steps. */
    z.strictObject({
      kind: z.literal("linear"),
      T: intIn(2, 10000),
      betaStart: numberIn(0, 1, { minExclusive: true }),
      betaEnd: numberIn(0, 1, { minExclusive: true }),
    }),
    /** DeepFloyd IF's squaredcos_cap_v2 schedule (T = 1000), so part A's timesteps apply verbatim. */
    z.strictObject({ kind: z.literal("cosine"), T: intIn(2, 10000) }),
  ],
  { error: 'must be {"kind":"linear",T,betaStart,betaEnd} or {"kind":"cosine",T}' },
);

const ddpm = z.strictObject({
  ...common,
  objective: z.literal("ddpm"),
  ddpm: z.strictObject({
    conditioning: oneOf(["class"]),
    schedule: ddpmSchedule,
    pUncond: numberIn(0, 1),
    cfgScale: numberIn(0, 100),
    /** Sample at every timestep T−1…0, or on a stride (part A: 990, 960, …, 0 is stride 30 from 990). */
    sampleStride: intIn(1, 1000),
  }),
  samples,
});

const classifier = z.strictObject({
  ...common,
  objective: z.literal("classify"),
  classify: z.strictObject({
    /** Stop early once test accuracy reaches this (the evaluation target is ≥ 0.99). */
    targetAccuracy: numberIn(0, 1),
  }),
});

export const experimentConfigSchema = z.discriminatedUnion("objective", [denoiser, flow, ddpm, classifier], {
  error: 'must be one of "denoise", "flow", "ddpm", "classify"',
});

export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
export type DenoiserConfig = z.infer<typeof denoiser>;
export type FlowConfig = z.infer<typeof flow>;
export type DdpmConfig = z.infer<typeof ddpm>;
export type ClassifierConfig = z.infer<typeof classifier>;
export type Objective = ExperimentConfig["objective"];
export type LrSchedule = z.infer<typeof lrSchedule>;
export type DdpmSchedule = z.infer<typeof ddpmSchedule>;
