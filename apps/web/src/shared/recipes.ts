import { z } from "zod";

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

const modelId = z.string().min(1, "modelId: choose a model").max(100);
/** A prompt field; its messages name the field, so a form shows them under the right input. */
const promptNamed = (field: string) =>
  z
    .string()
    .trim()
    .min(1, `${field}: must not be empty`)
    .max(LIMITS.promptLength, `${field}: at most ${LIMITS.promptLength} characters`);
const prompt = promptNamed("prompt");
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
const uploadId = z.uuid("image: upload an image first");
const iStart = numberIn(
  LIMITS.iStart,
  `iStarts: each must be a whole number between ${LIMITS.iStart.min} and ${LIMITS.iStart.max}`,
);

/** Views a visual anagram can assign to each prompt (CS180 part A 1.8 and its extensions). */
export const VIEWS = ["identity", "flip", "rot90", "rot180", "rot270", "negate", "skew", "jigsaw"] as const;
export type View = (typeof VIEWS)[number];

const upscaleStepsRange = `must be between ${LIMITS.steps.min} and ${LIMITS.steps.max}`;
const upscaleGuidanceRange = `must be between ${LIMITS.guidance.min} and ${LIMITS.guidance.max}`;

/** Super-resolution of every result with the model's upscaling stage (DeepFloyd IF stage II). */
export const upscaleOptions = z.object({
  steps: z
    .number()
    .int(`upscale.steps: ${upscaleStepsRange}`)
    .min(LIMITS.steps.min, `upscale.steps: ${upscaleStepsRange}`)
    .max(LIMITS.steps.max, `upscale.steps: ${upscaleStepsRange}`),
  guidance: z
    .number()
    .min(LIMITS.guidance.min, `upscale.guidance: CFG γ ${upscaleGuidanceRange}`)
    .max(LIMITS.guidance.max, `upscale.guidance: CFG γ ${upscaleGuidanceRange}`),
});

export const generateRecipe = z.object({
  procedure: z.literal("generate"),
  modelId,
  prompts: z.array(prompt).min(1, "prompts: give at least one prompt").max(8, "prompts: at most 8"),
  steps,
  guidance,
  seed,
  batch: z
    .number()
    .int()
    .min(LIMITS.batch.min, `batch: must be between ${LIMITS.batch.min} and ${LIMITS.batch.max}`)
    .max(LIMITS.batch.max, `batch: must be between ${LIMITS.batch.min} and ${LIMITS.batch.max}`),
  /** Also upscale each image with the model's stage II (only models that have one). */
  upscale: upscaleOptions.optional(),
});

export const sdeditRecipe = z.object({
  procedure: z.literal("sdedit"),
  modelId,
  imageId: uploadId,
  /** The text the edit is conditioned on; the course's default is a neutral prompt. */
  prompt,
  iStarts: z.array(iStart).min(1, "iStarts: give at least one level").max(12, "iStarts: at most 12 levels"),
  steps,
  guidance,
  seed,
});

export const inpaintRecipe = z.object({
  procedure: z.literal("inpaint"),
  modelId,
  imageId: uploadId,
  /** White where new content is generated, black where the source is kept; same size as the image. */
  maskId: z.uuid("mask: paint a mask first"),
  prompt,
  steps,
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
  guidance,
  seed,
});

export const hybridRecipe = z.object({
  procedure: z.literal("hybrid"),
  modelId,
  lowPrompt: promptNamed("lowPrompt"),
  highPrompt: promptNamed("highPrompt"),
  /** Gaussian blur used to split frequencies (CS180: kernel 33, σ 2). */
  sigma: z.number().min(0.5, "sigma: between 0.5 and 8").max(8, "sigma: between 0.5 and 8"),
  steps,
  guidance,
  seed,
});

export const forwardRecipe = z.object({
  procedure: z.literal("forward"),
  modelId,
  imageId: uploadId,
  ts: z
    .array(
      z
        .number()
        .int()
        .min(LIMITS.forwardT.min, `ts: each t must be between 0 and ${LIMITS.forwardT.max}`)
        .max(LIMITS.forwardT.max, `ts: each t must be between 0 and ${LIMITS.forwardT.max}`),
    )
    .min(1)
    .max(8),
  seed,
});

export const denoiseCompareRecipe = z.object({
  procedure: z.literal("denoise-compare"),
  modelId,
  imageId: uploadId,
  iStart,
  prompt,
  seed,
});

export const cfgCompareRecipe = z.object({
  procedure: z.literal("cfg-compare"),
  modelId,
  prompt,
  steps,
  guidance,
  seed,
  batch: z.number().int().min(1).max(8),
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
]);

export type Recipe = z.infer<typeof recipe>;
export type Procedure = Recipe["procedure"];
export const PROCEDURES = recipe.options.map((o) => o.shape.procedure.value) as Procedure[];

/** The first message of a zod error, which names the field ("steps: must be between 1 and 1000"). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const field = issue.path.join(".");
  return issue.message.includes(":") || !field ? issue.message : `${field}: ${issue.message}`;
}
