import { z } from "zod";
import { type Recipe, recipe } from "./recipes.ts";
import { text } from "./text.ts";

/** A browser result's PNG, base64: the models make 28² grey images (< 2 KB), so 64 KB is a generous bound. */
export const BROWSER_PNG_MAX_BASE64 = 64 * 1024;
/** The most images one recipe makes (8 prompts × 16 images). */
export const BROWSER_MAX_IMAGES = 128;

/** Where a browser run happened: onnxruntime-web's backend and its wasm threads. */
export const ranIn = z.object({
  backend: z.enum(["webgpu", "wasm"], { error: "ranIn.backend: one of webgpu, wasm" }),
  threads: z
    .number({ error: "ranIn.threads: a whole number between 1 and 64" })
    .int("ranIn.threads: a whole number between 1 and 64")
    .min(1, "ranIn.threads: a whole number between 1 and 64")
    .max(64, "ranIn.threads: a whole number between 1 and 64"),
});
export type RanIn = z.infer<typeof ranIn>;

/** `generations.importBrowserResult`: a recipe that ran in a browser tab, with the images it made, in order. */
export const browserResultInput = z.object({
  recipe,
  images: z
    .array(
      z.object({
        png: z
          .base64("images: each png must be base64")
          .max(BROWSER_PNG_MAX_BASE64, `images: each png must be at most ${BROWSER_PNG_MAX_BASE64} base64 characters`),
        label: text("images.label", { min: 1, max: 300 }),
      }),
    )
    .min(1, "images: give at least one image")
    .max(BROWSER_MAX_IMAGES, `images: at most ${BROWSER_MAX_IMAGES}`),
  ranIn,
});
export type BrowserResultInput = z.infer<typeof browserResultInput>;

/** `generations.browserInput`: an upload as the model sees it (the worker's own decoding), for a browser run. */
export const browserInputInput = z.object({
  modelId: text("modelId", { min: 1, max: 100 }),
  uploadId: z.uuid("uploadId: not an upload id"),
  input: z.enum(["image", "mask"], { error: "input: image or mask" }),
});

/**
 * How many pictures the server's procedure emits for a recipe (procedures.ts), or undefined where it varies
 * (denoise-compare keeps every 5th intermediate).
 */
export function expectedImageCount(r: Recipe): number | undefined {
  switch (r.procedure) {
    case "generate":
      return r.upscale ? undefined : r.prompts.length * r.batch;
    case "cfg-compare":
      return 2 * r.batch;
    case "sdedit":
      return 1 + r.iStarts.length;
    case "inpaint":
      return 3;
    case "anagram":
      return r.parts.length;
    case "hybrid":
      return 1;
    case "forward":
      return 1 + r.ts.length;
    case "denoise-compare":
      return undefined;
    case "sampler-compare":
      return r.runs.length;
  }
}
