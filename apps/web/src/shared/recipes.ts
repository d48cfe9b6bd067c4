import { SAMPLER_NAMES, type SamplerName } from "@diffusion-studio/models";
import { z } from "zod";
import { fieldMessage } from "./errors.ts";
import { text } from "./text.ts";

/**
 * The recipes the API accepts: every generation, edit, illusion and lab run is one of these, stored as submitted and
 * re-runnable to the same bytes. The forms use the same schemas, so the browser shows the same messages the API sends.
 */

export const LIMITS = {
  steps: { min: 1, max: 1000 },
  guidance: { min: 0, max: 30 },
  batch: { min: 1, max: 16 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  promptLength: 200,
  /** SDEdit / img2img noise levels: indices into the sampler's strided timesteps. */
  iStart: { min: 0, max: 999 },
  forwardT: { min: 0, max: 999 },
} as const;

export const DEFAULT_I_STARTS = [1, 3, 5, 7, 10, 20] as const;

const modelId = text("modelId", { min: 1, max: 100, tooShort: "modelId: choose a model" });
/** A prompt field; its messages name the field, so a form shows them under the right input. */
const promptNamed = (field: string) => text(field, { min: 1, max: LIMITS.promptLength, trim: true });
const prompt = promptNamed("prompt");
/**
 * The prompt of a procedure unconditional models run too: "" says "no prompt", the only value an unconditional
 * model takes; the server refuses "" for a conditioned model (it must know the model to say which is right).
 */
const promptOrNone = text("prompt", { max: LIMITS.promptLength, trim: true });
/** A number field whose every failure (not a number, not whole, out of range) gets one message stating the range. */
function numberIn(range: { readonly min: number; readonly max: number }, message: string, whole = true) {
  const number = z.number({ error: message });
  return (whole ? number.int(message) : number).min(range.min, message).max(range.max, message);
}
const steps = numberIn(
  LIMITS.steps,
  `steps: must be a whole number between ${LIMITS.steps.min} and ${LIMITS.steps.max}`,
);
const guidance = numberIn(
  LIMITS.guidance,
  `guidance: CFG γ must be a number between ${LIMITS.guidance.min} and ${LIMITS.guidance.max}`,
  false,
);
const seed = numberIn(LIMITS.seed, `seed: must be a whole number between 0 and ${LIMITS.seed.max}`);
/** A sampler of the models package's table; whether the recipe's model takes it is checked on submit. */
const samplerName = z.enum(SAMPLER_NAMES as [SamplerName, ...SamplerName[]], {
  error: `sampler: must be one of ${SAMPLER_NAMES.join(", ")}`,
});
/**
 * The sampler a `steps`-step loop runs. The portal stores it resolved on submit (the forms send the model's default);
 * a recipe without one means the model's first, the course's sampler (flow-euler, ddpm): what every recipe ran
 * before samplers could be chosen, so old recipes re-run to the same bytes.
 */
const sampler = samplerName.optional();
const uploadId = z.uuid("image: upload an image first");
const iStart = numberIn(
  LIMITS.iStart,
  `iStarts: each must be a whole number between ${LIMITS.iStart.min} and ${LIMITS.iStart.max}`,
);

/** Views a visual anagram can assign to each prompt (CS180 part A 1.8 and its extensions). */
export const VIEWS = ["identity", "flip", "rot90", "rot180", "rot270", "negate", "skew", "jigsaw"] as const;
export type View = (typeof VIEWS)[number];

/** Super-resolution of every result with the model's upscaling stage (DeepFloyd IF stage II). */
export const upscaleOptions = z.object({
  steps: numberIn(LIMITS.steps, `upscale.steps: must be between ${LIMITS.steps.min} and ${LIMITS.steps.max}`),
  guidance: numberIn(
    LIMITS.guidance,
    `upscale.guidance: CFG γ must be between ${LIMITS.guidance.min} and ${LIMITS.guidance.max}`,
    false,
  ),
});

export const generateRecipe = z.object({
  procedure: z.literal("generate"),
  modelId,
  /** One group of `batch` images per prompt; `[""]` for an unconditional model. */
  prompts: z.array(promptOrNone).min(1, "prompts: give at least one prompt").max(8, "prompts: at most 8"),
  steps,
  sampler,
  guidance,
  seed,
  batch: numberIn(LIMITS.batch, `batch: must be between ${LIMITS.batch.min} and ${LIMITS.batch.max}`),
  /** Also upscale each image with the model's stage II (only models that have one). */
  upscale: upscaleOptions.optional(),
});

export const sdeditRecipe = z.object({
  procedure: z.literal("sdedit"),
  modelId,
  imageId: uploadId,
  /** The text the edit is conditioned on; the course's default is a neutral prompt. */
  prompt: promptOrNone,
  iStarts: z.array(iStart).min(1, "iStarts: give at least one level").max(12, "iStarts: at most 12 levels"),
  steps,
  sampler,
  guidance,
  seed,
});

export const inpaintRecipe = z.object({
  procedure: z.literal("inpaint"),
  modelId,
  imageId: uploadId,
  /** White where new content is generated, black where the source is kept; same size as the image. */
  maskId: z.uuid("mask: paint a mask first"),
  prompt: promptOrNone,
  steps,
  sampler,
  guidance,
  seed,
});

export const anagramRecipe = z.object({
  procedure: z.literal("anagram"),
  modelId,
  parts: z
    .array(z.object({ prompt, view: z.enum(VIEWS, { error: `view: one of ${VIEWS.join(", ")}` }) }))
    .min(2, "parts: an anagram needs at least two prompts")
    .max(4, "parts: at most four prompts"),
  steps,
  sampler,
  guidance,
  seed,
});

export const hybridRecipe = z.object({
  procedure: z.literal("hybrid"),
  modelId,
  lowPrompt: promptNamed("lowPrompt"),
  highPrompt: promptNamed("highPrompt"),
  /** Gaussian blur used to split frequencies (CS180: kernel 33, σ 2). */
  sigma: numberIn({ min: 0.5, max: 8 }, "sigma: between 0.5 and 8", false),
  steps,
  sampler,
  guidance,
  seed,
});

export const forwardRecipe = z.object({
  procedure: z.literal("forward"),
  modelId,
  imageId: uploadId,
  ts: z
    .array(numberIn(LIMITS.forwardT, `ts: each t must be a whole number between 0 and ${LIMITS.forwardT.max}`))
    .min(1, "ts: give at least one t")
    .max(8, "ts: at most 8"),
  seed,
});

export const denoiseCompareRecipe = z.object({
  procedure: z.literal("denoise-compare"),
  modelId,
  imageId: uploadId,
  iStart,
  prompt: promptOrNone,
  seed,
});

export const cfgCompareRecipe = z.object({
  procedure: z.literal("cfg-compare"),
  modelId,
  prompt,
  steps,
  sampler,
  guidance,
  seed,
  batch: numberIn({ min: 1, max: 8 }, "batch: must be between 1 and 8"),
});

/** Lab: one seed and prompt through several samplers, each at its own number of model evaluations. */
export const samplerCompareRecipe = z.object({
  procedure: z.literal("sampler-compare"),
  modelId,
  prompt,
  runs: z
    .array(z.object({ sampler: samplerName, steps }))
    .min(1, "runs: choose at least one sampler")
    .max(8, "runs: at most 8 samplers"),
  guidance,
  seed,
});

export const recipe = z.discriminatedUnion("procedure", [
  generateRecipe,
  sdeditRecipe,
  inpaintRecipe,
  anagramRecipe,
  hybridRecipe,
  forwardRecipe,
  denoiseCompareRecipe,
  cfgCompareRecipe,
  samplerCompareRecipe,
]);

export type Recipe = z.infer<typeof recipe>;
export type Procedure = Recipe["procedure"];
export const PROCEDURES = recipe.options.map((o) => o.shape.procedure.value) as Procedure[];

/**
 * The first message of a zod error, starting with the field it is about ("steps: must be between 1 and 1000"). Our
 * own messages name their field; zod's defaults ("Invalid input: expected number") get the issue's path in front.
 */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "input: invalid";
  return fieldMessage(issue.path.map(String).join("."), innerIssue(issue)?.message ?? issue.message);
}

/**
 * The more precise issue some issues carry inside: a bad record key's own failure, or for a union, the branch whose
 * type matched but whose value did not (a text with a NUL in a number-or-text field).
 */
function innerIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue | undefined {
  if (issue.code === "invalid_key" || issue.code === "invalid_element") return issue.issues[0];
  if (issue.code === "invalid_union") return issue.errors.flat().find((i) => i.code !== "invalid_type");
  return undefined;
}
