/**
 * `manifest.json` of a DeepFloyd IF export (`tooling/deepfloyd/export_if.py`, format `diffusion-studio/deepfloyd-if`
 * version 1): which ONNX files exist, their tensor contracts, dimensions and diffusers scheduler configs. Everything
 * the runtime needs is read from here; nothing about IF's sizes is hard-coded.
 */
import { DeepFloydFormatError, Fields } from "./validate.js";

export const MANIFEST_FORMAT = "diffusion-studio/deepfloyd-if";
export const MANIFEST_VERSION = 1;

export type TensorDtype = "float32" | "float16" | "int64";

/** One ONNX input or output: name, element type and shape (symbolic axes are strings such as "batch"). */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: TensorDtype;
  readonly shape: readonly (number | string)[];
}

export const VARIANCE_TYPES = ["learned_range", "learned", "fixed_small", "fixed_large"] as const;
export const BETA_SCHEDULES = ["squaredcos_cap_v2", "linear"] as const;
export const PREDICTION_TYPES = ["epsilon", "sample"] as const;
export const TIMESTEP_SPACINGS = ["leading", "trailing", "linspace"] as const;

/** The diffusers `DDPMScheduler` config fields the runtime uses (diffusers' key names). */
export interface SchedulerConfig {
  readonly num_train_timesteps: number;
  readonly beta_schedule: (typeof BETA_SCHEDULES)[number];
  readonly beta_start: number;
  readonly beta_end: number;
  readonly variance_type: (typeof VARIANCE_TYPES)[number];
  readonly prediction_type: (typeof PREDICTION_TYPES)[number];
  readonly thresholding: boolean;
  readonly dynamic_thresholding_ratio: number;
  readonly sample_max_value: number;
  readonly clip_sample: boolean;
  readonly clip_sample_range: number;
  readonly timestep_spacing: (typeof TIMESTEP_SPACINGS)[number];
  readonly steps_offset: number;
}

export interface StageManifest {
  readonly stage: 1 | 2;
  readonly modelId: string;
  /** Paths relative to the manifest's folder. */
  readonly onnx: string;
  readonly externalData: string | null;
  readonly weightsDtype: "float32" | "float16";
  readonly sampleSize: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly imageChannels: number;
  readonly textSeqLen: number;
  readonly textDim: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly scheduler: SchedulerConfig;
  readonly defaults: {
    readonly numInferenceSteps: number;
    readonly guidanceScale: number;
    readonly noiseLevel?: number;
  };
  /** Stage II only: the scheduler that noises the upsampled stage I image (diffusers' `image_noising_scheduler`). */
  readonly imageNoisingScheduler?: SchedulerConfig;
  /** Stage II only: how the stage I image is brought to `sampleSize`. */
  readonly upsampling?: { readonly mode: "bilinear"; readonly alignCorners: boolean };
}

export interface EmbeddingsManifest {
  readonly safetensors: string;
  readonly index: string;
  readonly dtype: "float32" | "float16";
  readonly shape: readonly [number, number];
  readonly count: number;
}

export interface TextEncoderManifest {
  readonly onnx: string;
  readonly externalData: string | null;
  readonly weightsDtype: "float32" | "float16";
  readonly tokenizer: string;
  readonly maxLength: number;
  readonly padTokenId: number;
  readonly eosTokenId: number;
  readonly textDim: number;
  readonly preprocessing: "lowercase+strip" | "none";
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface DeepFloydManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly formatVersion: typeof MANIFEST_VERSION;
  readonly standIn: boolean;
  readonly stages: { readonly stage1?: StageManifest; readonly stage2?: StageManifest };
  readonly embeddings: EmbeddingsManifest | null;
  readonly textEncoder: TextEncoderManifest | null;
}

const DTYPES: readonly TensorDtype[] = ["float32", "float16", "int64"];
const WEIGHT_DTYPES = ["float32", "float16"] as const;

function tensorSpecs(f: Fields, key: string, allowed: readonly TensorDtype[] = DTYPES): TensorSpec[] {
  return f.array(key, (v, name) => {
    const t = f.item(v, name);
    return {
      name: t.string("name"),
      dtype: t.oneOf("dtype", allowed),
      shape: t.array("shape", (d, dn) => {
        if (typeof d === "string" || (typeof d === "number" && Number.isInteger(d) && d > 0)) return d;
        throw new DeepFloydFormatError(
          `${f.source}: \`${dn}\` must be a positive integer or a symbolic axis name (got ${JSON.stringify(d)})`,
        );
      }),
    };
  });
}

/** Reads a diffusers DDPMScheduler config; unknown keys (e.g. `lambda_min_clipped`) are ignored, as diffusers does. */
export function parseSchedulerConfig(f: Fields): SchedulerConfig {
  const config: SchedulerConfig = {
    num_train_timesteps: f.number("num_train_timesteps", { min: 2, max: 100_000, integer: true }),
    beta_schedule: f.oneOf("beta_schedule", BETA_SCHEDULES),
    beta_start: f.number("beta_start", { min: 0, max: 1 }),
    beta_end: f.number("beta_end", { min: 0, max: 1 }),
    variance_type: f.oneOf("variance_type", VARIANCE_TYPES),
    prediction_type: f.oneOf("prediction_type", PREDICTION_TYPES),
    thresholding: f.boolean("thresholding"),
    dynamic_thresholding_ratio: f.number("dynamic_thresholding_ratio", { min: 0, max: 1 }),
    sample_max_value: f.number("sample_max_value", { min: 1 }),
    clip_sample: f.boolean("clip_sample"),
    clip_sample_range: f.number("clip_sample_range", { min: 0 }),
    timestep_spacing: f.oneOf("timestep_spacing", TIMESTEP_SPACINGS),
    steps_offset: f.number("steps_offset", { min: 0, integer: true }),
  };
  if (f.has("trained_betas") && f.value.trained_betas !== null)
    f.fail("trained_betas", "null (not supported)", f.value.trained_betas);
  if (f.has("rescale_betas_zero_snr") && f.value.rescale_betas_zero_snr !== false) {
    f.fail("rescale_betas_zero_snr", "false (not supported)", f.value.rescale_betas_zero_snr);
  }
  return config;
}

function requireInputs(f: Fields, key: string, specs: readonly TensorSpec[], names: readonly string[]): void {
  const have = specs.map((s) => s.name);
  for (const n of names) {
    if (!have.includes(n)) {
      f.fail(key, `a list that includes an input named ${JSON.stringify(n)} (inputs: ${names.join(", ")})`, have);
    }
  }
}

function parseStage(root: Fields, stage: 1 | 2): StageManifest {
  const f = root.object("stages").object(`stage${stage}`);
  const imageChannels = f.number("imageChannels", { min: 1, max: 64, integer: true });
  const inChannels = f.oneOf("inChannels", stage === 1 ? [imageChannels] : [2 * imageChannels]);
  const outChannels = f.oneOf("outChannels", [imageChannels, 2 * imageChannels]);
  const inputs = tensorSpecs(f, "inputs", WEIGHT_DTYPES);
  const outputs = tensorSpecs(f, "outputs", WEIGHT_DTYPES);
  const required =
    stage === 1
      ? ["sample", "timestep", "encoder_hidden_states"]
      : ["sample", "timestep", "encoder_hidden_states", "class_labels"];
  requireInputs(f, "inputs", inputs, required);
  if (outputs.length !== 1)
    f.fail(
      "outputs",
      "a list of exactly one output (the UNet's `out`)",
      outputs.map((o) => o.name),
    );
  const scheduler = parseSchedulerConfig(f.object("scheduler"));
  if (scheduler.variance_type.startsWith("learned") && outChannels !== 2 * imageChannels) {
    f.fail(
      "outChannels",
      `${2 * imageChannels} (ε and variance channels) for variance_type "${scheduler.variance_type}"`,
      outChannels,
    );
  }
  const d = f.object("defaults");
  const defaults = {
    numInferenceSteps: d.number("numInferenceSteps", { min: 1, integer: true }),
    guidanceScale: d.number("guidanceScale", { min: 0 }),
    ...(stage === 2
      ? { noiseLevel: d.number("noiseLevel", { min: 0, max: scheduler.num_train_timesteps - 1, integer: true }) }
      : {}),
  };
  const common = {
    stage,
    modelId: f.string("modelId"),
    onnx: f.string("onnx"),
    externalData: f.optionalString("externalData"),
    weightsDtype: f.oneOf("weightsDtype", WEIGHT_DTYPES),
    sampleSize: f.number("sampleSize", { min: 1, max: 16384, integer: true }),
    inChannels,
    outChannels,
    imageChannels,
    textSeqLen: f.number("textSeqLen", { min: 1, integer: true }),
    textDim: f.number("textDim", { min: 1, integer: true }),
    inputs,
    outputs,
    scheduler,
    defaults,
  };
  if (stage === 1) return common;
  const up = f.object("upsampling");
  return {
    ...common,
    imageNoisingScheduler: parseSchedulerConfig(f.object("imageNoisingScheduler")),
    upsampling: { mode: up.oneOf("mode", ["bilinear"] as const), alignCorners: up.boolean("alignCorners") },
  };
}

/**
 * Validates a parsed `manifest.json`. Throws a `DeepFloydFormatError` naming the first bad field, what is allowed and
 * what was found. `source` prefixes the messages (e.g. the file path).
 */
export function parseManifest(json: unknown, source = "manifest.json"): DeepFloydManifest {
  const root = Fields.root(source, json);
  root.oneOf("format", [MANIFEST_FORMAT]);
  root.oneOf("formatVersion", [MANIFEST_VERSION]);
  const stagesField = root.object("stages");
  const stage1 = stagesField.has("stage1") && stagesField.value.stage1 !== null ? parseStage(root, 1) : undefined;
  const stage2 = stagesField.has("stage2") && stagesField.value.stage2 !== null ? parseStage(root, 2) : undefined;
  if (!stage1 && !stage2) stagesField.fail("stage1", "an object (a manifest needs stage1 and/or stage2)", undefined);
  if (stage1 && stage2 && (stage1.textDim !== stage2.textDim || stage1.textSeqLen !== stage2.textSeqLen)) {
    stagesField.fail(
      "stage2.textDim",
      `${stage1.textDim} with textSeqLen ${stage1.textSeqLen}, the same text embeddings as stage1`,
      [stage2.textDim, stage2.textSeqLen],
    );
  }
  const e = root.optionalObject("embeddings");
  const embeddings: EmbeddingsManifest | null = e && {
    safetensors: e.string("safetensors"),
    index: e.string("index"),
    dtype: e.oneOf("dtype", WEIGHT_DTYPES),
    shape: (() => {
      const shape = e.array("shape", (v) => v);
      if (shape.length !== 2 || !shape.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)) {
        e.fail("shape", "[sequence length, text width] (two positive integers)", shape);
      }
      return shape as unknown as readonly [number, number];
    })(),
    count: e.number("count", { min: 0, integer: true }),
  };
  const stage = stage1 ?? stage2!;
  if (embeddings && (embeddings.shape[0] !== stage.textSeqLen || embeddings.shape[1] !== stage.textDim)) {
    e!.fail("shape", `[${stage.textSeqLen}, ${stage.textDim}] (the stages' textSeqLen and textDim)`, embeddings.shape);
  }
  const t = root.optionalObject("textEncoder");
  let textEncoder: TextEncoderManifest | null = null;
  if (t) {
    const inputs = tensorSpecs(t, "inputs");
    requireInputs(t, "inputs", inputs, ["input_ids", "attention_mask"]);
    const outputs = tensorSpecs(t, "outputs", WEIGHT_DTYPES);
    if (outputs.length !== 1)
      t.fail(
        "outputs",
        "a list of exactly one output (`last_hidden_state`)",
        outputs.map((o) => o.name),
      );
    textEncoder = {
      onnx: t.string("onnx"),
      externalData: t.optionalString("externalData"),
      weightsDtype: t.oneOf("weightsDtype", WEIGHT_DTYPES),
      tokenizer: t.string("tokenizer"),
      maxLength: t.oneOf("maxLength", [stage.textSeqLen]),
      padTokenId: t.number("padTokenId", { min: 0, integer: true }),
      eosTokenId: t.number("eosTokenId", { min: 0, integer: true }),
      textDim: t.oneOf("textDim", [stage.textDim]),
      preprocessing: t.oneOf("preprocessing", ["lowercase+strip", "none"] as const),
      inputs,
      outputs,
    };
  }
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    standIn: root.has("standIn") ? root.boolean("standIn") : false,
    stages: { ...(stage1 ? { stage1 } : {}), ...(stage2 ? { stage2 } : {}) },
    embeddings,
    textEncoder,
  };
}

/** The spec of input `name` (it exists: `parseManifest` checked the required ones). */
export function inputSpec(specs: readonly TensorSpec[], name: string): TensorSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new DeepFloydFormatError(`the manifest lists no input named ${JSON.stringify(name)}`);
  return spec;
}
