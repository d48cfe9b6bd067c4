/** The model kinds this package trains and runs, and the card that travels with an exported model. */
import type { PredictionKind, ScheduleConfig } from "@diffusion-studio/core";
import type { SymTensor } from "../graph/builder.js";
import { CLASSIFIER_FEATURES, type Conditioning, classifier, unet } from "./architectures.js";
import type { NetContext } from "./context.js";

export type ModelKind = "denoiser" | "flow-time" | "flow-class" | "ddpm-time" | "ddpm-class" | "classifier";

export const MODEL_KINDS: readonly ModelKind[] = [
  "denoiser",
  "flow-time",
  "flow-class",
  "ddpm-time",
  "ddpm-class",
  "classifier",
];

export const IMAGE_SHAPE = [1, 28, 28] as const;
export const NUM_CLASSES = 10;
/** The fa24 DDPM variant's number of training timesteps (spec §4.4). */
export const DDPM_TRAIN_TIMESTEPS = 300;
/** The β schedule a discrete-time model is trained on unless its card says otherwise: the course's linear T = 300. */
export const DEFAULT_NOISE_SCHEDULE: ScheduleConfig = {
  type: "linear",
  numTrainTimesteps: DDPM_TRAIN_TIMESTEPS,
  betaStart: 1e-4,
  betaEnd: 0.02,
};

/** Facts about a model that runtimes and UIs need; stored in the exported ONNX's metadata. */
export interface ModelCard {
  readonly format: "diffusion-studio.model/1";
  readonly kind: ModelKind;
  readonly D: number;
  /** What the output means; `logits` for the classifier. */
  readonly prediction: PredictionKind | "logits";
  /** Continuous flow time in [0, 1], or discrete DDPM timesteps (the graph is fed t / numTrainTimesteps). */
  readonly time: "none" | "continuous" | "discrete";
  readonly numTrainTimesteps?: number;
  /** The β schedule a discrete-time model was trained on (samplers must use the same one). */
  readonly noiseSchedule?: ScheduleConfig;
  readonly classConditioned: boolean;
  readonly inputs: readonly ("x" | "t" | "c")[];
  /** Output shape without the batch dimension. */
  readonly outputShape: readonly number[];
  /** Width of the second output, `features` (the classifier's penultimate activations), when the graph has one. */
  readonly featureSize?: number;
  /** Free-form provenance (training run, epochs, …). */
  readonly extra?: Readonly<Record<string, string | number>>;
  /**
   * How to sample the model when the caller names nothing (e.g. picked from an NFE sweep after training); read by
   * `samplingPolicy`. Absent: the defaults for the model's prediction.
   */
  readonly sampling?: RecordedSampling;
}

/** A card's recorded sampling choice: a registered sampler name, its steps and the CFG γ (when class-conditioned). */
export interface RecordedSampling {
  readonly sampler: string;
  readonly steps: number;
  readonly guidanceScale?: number;
}

function conditioningOf(kind: ModelKind): Conditioning {
  switch (kind) {
    case "denoiser":
    case "classifier":
      return "none";
    case "flow-time":
      return "time-multiplicative";
    case "ddpm-time":
      return "time-additive";
    case "flow-class":
    case "ddpm-class":
      return "class";
  }
}

export function assertModelKind(kind: string): asserts kind is ModelKind {
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`\`kind\` must be one of ${MODEL_KINDS.join(", ")}; got "${kind}"`);
  }
}

export function assertWidth(D: number): void {
  if (!Number.isInteger(D) || D < 1 || D > 1024) throw new Error(`\`D\` must be an integer in [1, 1024]; got ${D}`);
}

/** What an export may add to the card: provenance, the β schedule of a discrete-time model, a recorded sampling choice. */
export interface CardOptions {
  readonly extra?: Record<string, string | number>;
  readonly noiseSchedule?: ScheduleConfig;
  readonly sampling?: RecordedSampling;
}

export function modelCard(kind: ModelKind, D: number, options: CardOptions = {}): ModelCard {
  assertModelKind(kind);
  assertWidth(D);
  const { extra, noiseSchedule = DEFAULT_NOISE_SCHEDULE, sampling } = options;
  const cond = conditioningOf(kind);
  const discrete = kind.startsWith("ddpm");
  return {
    format: "diffusion-studio.model/1",
    kind,
    D,
    prediction: kind === "classifier" ? "logits" : kind === "denoiser" ? "sample" : discrete ? "epsilon" : "velocity",
    time: cond === "none" ? "none" : discrete ? "discrete" : "continuous",
    ...(discrete ? { numTrainTimesteps: trainTimestepsOf(noiseSchedule), noiseSchedule } : {}),
    classConditioned: cond === "class",
    inputs: cond === "none" ? ["x"] : cond === "class" ? ["x", "t", "c"] : ["x", "t"],
    outputShape: kind === "classifier" ? [NUM_CLASSES] : [...IMAGE_SHAPE],
    ...(kind === "classifier" ? { featureSize: CLASSIFIER_FEATURES } : {}),
    ...(extra ? { extra } : {}),
    ...(sampling ? { sampling } : {}),
  };
}

/** T of a schedule config, with makeSchedule's defaults (cosine 1000, linear 300). */
function trainTimestepsOf(schedule: ScheduleConfig): number {
  return schedule.numTrainTimesteps ?? (schedule.type === "linear" ? DDPM_TRAIN_TIMESTEPS : 1000);
}

/**
 * Declares the graph inputs of `kind` for `batch` items and returns the network's output; `onFeatures` receives the
 * classifier's penultimate activations.
 */
export function buildNetwork(
  ctx: NetContext,
  kind: ModelKind,
  D: number,
  batch: number,
  onFeatures?: (features: SymTensor) => void,
): SymTensor {
  const x = ctx.b.input("x", [batch, ...IMAGE_SHAPE]);
  if (kind === "classifier") return classifier(ctx, D, x, onFeatures);
  const cond = conditioningOf(kind);
  const t = cond === "none" ? undefined : ctx.b.input("t", [batch, 1]);
  const c = cond === "class" ? ctx.b.input("c", [batch, NUM_CLASSES]) : undefined;
  return unet(ctx, D, cond, { x, ...(t ? { t } : {}), ...(c ? { c } : {}) });
}
