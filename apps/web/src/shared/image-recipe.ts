import type { ModelInfo } from "./models.ts";
import { type PngText, readPngText } from "./png-text.ts";
import { type Recipe, recipe as recipeSchema } from "./recipes.ts";
import { artifactUrl } from "./urls.ts";

/**
 * The recipe every PNG the portal writes carries (JSON in a `diffusion-studio:recipe` text chunk), plus one
 * human-readable `parameters` chunk in the convention AUTOMATIC1111 made popular. Nothing that changes between runs
 * (ids, times) is written, so re-running a recipe still gives the same bytes.
 */
export const RECIPE_KEYWORD = "diffusion-studio:recipe";
export const PARAMETERS_KEYWORD = "parameters";

export interface ImageRecipe {
  readonly format: "diffusion-studio/image-recipe@1";
  /** The recipe exactly as submitted: loading it into its form and running it makes the same bytes. */
  readonly recipe: Recipe;
  readonly model: {
    readonly id: string;
    readonly name: string;
    /** SHA-256 of the model file (ONNX) or of an export's manifest; absent when unknown. */
    readonly sha256?: string;
    /** The sampler the picture was made with ("flow-dpm-solver", "ddpm", …). */
    readonly sampler: string;
  };
  /** This picture within its generation. */
  readonly image: {
    /** Position among the generation's results (a step preview: the result being made). */
    readonly index: number;
    readonly label: string;
    readonly kind: "result" | "step";
    readonly width: number;
    readonly height: number;
    /** The prompt it was conditioned on ("" when none) and the seed of its noise. */
    readonly prompt: string;
    readonly seed: number;
  };
  /** Where the recipe's uploads are served (source image, mask). */
  readonly sources?: { readonly image?: string; readonly mask?: string };
}

/** The model fields a recipe chunk needs. */
export type RecipeModel = Pick<ModelInfo, "id" | "name" | "samplers" | "fileSha256">;

/** What one picture's chunk says, from the task's recipe and model. */
export function imageRecipe(
  recipe: Recipe,
  model: RecipeModel,
  image: { index: number; label: string; kind: "result" | "step"; width: number; height: number },
): ImageRecipe {
  const sources = {
    ...("imageId" in recipe ? { image: artifactUrl(`uploads/${recipe.imageId}.png`) } : {}),
    ...("maskId" in recipe ? { mask: artifactUrl(`uploads/${recipe.maskId}.png`) } : {}),
  };
  const { prompt, seed } = promptAndSeed(recipe, image.index);
  return {
    format: "diffusion-studio/image-recipe@1",
    recipe,
    model: {
      id: model.id,
      name: model.name,
      ...(model.fileSha256 ? { sha256: model.fileSha256 } : {}),
      sampler: samplerOf(recipe, model, image.index),
    },
    image: { ...image, prompt, seed },
    ...(Object.keys(sources).length > 0 ? { sources } : {}),
  };
}

/** The two text chunks of a picture: the JSON recipe and the A1111-style parameters. */
export function recipeChunks(meta: ImageRecipe, defaultSteps?: number): PngText[] {
  // ASCII JSON (\u escapes), so the chunk is a plain tEXt every tool can read.
  const json = JSON.stringify(meta).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [
    [RECIPE_KEYWORD, json],
    [PARAMETERS_KEYWORD, parametersText(meta, defaultSteps)],
  ];
}

/**
 * `a handwritten 7\nSteps: 50, Sampler: flow-euler, CFG scale: 5, Seed: 0, Size: 28x28, Model: flow-class-d64,
 * Model hash: 1a2b3c4d5e, Procedure: generate`.
 */
export function parametersText(meta: ImageRecipe, defaultSteps?: number): string {
  const r = meta.recipe;
  const steps =
    "steps" in r ? r.steps : r.procedure === "sampler-compare" ? stepsOfRun(r, meta.image.index) : defaultSteps;
  const fields: [string, string | number | undefined][] = [
    ["Steps", steps],
    ["Sampler", meta.model.sampler],
    ["CFG scale", "guidance" in r ? r.guidance : undefined],
    ["Seed", meta.image.seed],
    ["Size", `${meta.image.width}x${meta.image.height}`],
    ["Model", meta.model.id],
    ["Model hash", meta.model.sha256?.slice(0, 10)],
    ["Procedure", r.procedure],
    ["Denoising start", "iStart" in r ? r.iStart : undefined],
    ["Label", meta.image.label],
  ];
  const line = fields
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${String(v).replace(/[,\n]/g, " ")}`)
    .join(", ");
  return `${meta.image.prompt}\n${line}`;
}

/**
 * The sampler of a recipe's picture: the one it names (a sampler comparison: its result's own), else the model's
 * first, the course's sampler (what a recipe without one runs).
 */
function samplerOf(r: Recipe, model: RecipeModel, index: number): string {
  if (r.procedure === "sampler-compare") return r.runs[Math.min(index, r.runs.length - 1)]!.sampler;
  return ("sampler" in r ? r.sampler : undefined) ?? model.samplers[0]?.name ?? "default";
}

function stepsOfRun(r: Extract<Recipe, { procedure: "sampler-compare" }>, index: number): number {
  return r.runs[Math.min(index, r.runs.length - 1)]!.steps;
}

/** The prompt an image of a recipe was conditioned on and the seed of its noise. */
function promptAndSeed(r: Recipe, index: number): { prompt: string; seed: number } {
  switch (r.procedure) {
    case "generate": {
      // Prompt by prompt, `batch` images each (twice that with stage II); prompt k samples with seed + k.
      const perPrompt = r.batch * (r.upscale ? 2 : 1);
      const k = Math.min(r.prompts.length - 1, Math.floor(index / perPrompt));
      return { prompt: r.prompts[k]!, seed: r.seed + k };
    }
    case "anagram":
      return { prompt: r.parts.map((p) => `${p.prompt} (${p.view})`).join(" | "), seed: r.seed };
    case "hybrid":
      return { prompt: `${r.lowPrompt} | ${r.highPrompt}`, seed: r.seed };
    case "forward":
      return { prompt: "", seed: r.seed };
    default:
      return { prompt: r.prompt, seed: r.seed };
  }
}

/** What a dropped or picked file holds: the recipe it was made with, or why none could be read. */
export type ReadRecipe =
  | { readonly ok: true; readonly meta: ImageRecipe }
  | { readonly ok: false; readonly reason: string; readonly parameters?: string };

/** Reads the recipe chunk of a PNG (browser or Node). */
export function readImageRecipe(png: Uint8Array): ReadRecipe {
  const text = readPngText(png);
  if (!text) return { ok: false, reason: "not a PNG file" };
  const parameters = text.get(PARAMETERS_KEYWORD);
  const raw = text.get(RECIPE_KEYWORD);
  if (!raw) return { ok: false, reason: "this PNG carries no Diffusion Studio recipe", parameters };
  try {
    const meta = JSON.parse(raw) as ImageRecipe;
    const parsed = recipeSchema.safeParse(meta.recipe);
    if (!parsed.success) return { ok: false, reason: "the PNG's recipe is not one this portal can run", parameters };
    return { ok: true, meta: { ...meta, recipe: parsed.data } };
  } catch {
    return { ok: false, reason: "the PNG's recipe is not valid JSON", parameters };
  }
}

/**
 * A file name that says what the picture is: `7-seed0-flow-class-d64.png` (prompt, seed, model), with the batch
 * position when it is not the first (`7-seed0-2-…`) and the procedure's label for edits and lab runs.
 */
export function imageFileName(r: Recipe, modelId: string, label: string, index: number): string {
  const { prompt, seed } = promptAndSeed(r, index);
  let what: string;
  if (r.procedure === "generate") {
    const rest = label.startsWith(prompt) ? label.slice(prompt.length) : label;
    what = `${shortPrompt(prompt)} ${rest.replace(/#1\b/, "")}`;
  } else {
    what = `${r.procedure} ${label.replace(/^a handwritten /i, "")}`;
  }
  return `${slug(what)}-seed${seed}-${slug(modelId)}.png`;
}

/** A generation's download name (`7-seed0-flow-class-d64`). */
export function generationFileStem(r: Recipe, modelId: string): string {
  const { prompt, seed } = promptAndSeed(r, 0);
  const what = r.procedure === "generate" ? shortPrompt(prompt) : `${r.procedure} ${shortPrompt(prompt)}`;
  return `${slug(what) || r.procedure}-seed${seed}-${slug(modelId)}`;
}

/** MNIST prompts ("a handwritten 7") say only the digit. */
function shortPrompt(prompt: string): string {
  return prompt.replace(/^a handwritten /i, "");
}

function slug(s: string): string {
  return s
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}
