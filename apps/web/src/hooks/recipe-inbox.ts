"use client";

import { useEffect, useRef, useSyncExternalStore } from "react";
import type { ModelInfo } from "@/shared/models";
import type { Procedure, Recipe } from "@/shared/recipes";
import type { Uploaded } from "./use-upload";

/**
 * Recall and send-to: a small client store that carries a recipe (from a dropped PNG or a history item's "Edit
 * recipe") or a source image ("Use as source", a PNG without a recipe) to the page whose form takes it. The form
 * fills its fields from it and does not run it.
 */
export interface RecalledRecipe {
  readonly recipe: Recipe;
  /** Where it came from, e.g. "7-seed0-flow-class-d64.png". */
  readonly from: string;
}
export interface SentSource {
  /** An upload to use as it is (the recipe's own image), or an image URL to upload first. */
  readonly uploaded?: Uploaded;
  readonly url?: string;
  /** Shown beside the source, e.g. "This PNG carries no recipe; it is used as the source image." */
  readonly note?: string;
}
interface Inbox {
  readonly recipe?: RecalledRecipe;
  readonly source?: SentSource;
}

let inbox: Inbox = {};
const listeners = new Set<() => void>();
function set(next: Inbox) {
  inbox = next;
  for (const l of listeners) l();
}
function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}
const EMPTY: Inbox = {};

export function useInbox(): Inbox {
  return useSyncExternalStore(
    subscribe,
    () => inbox,
    () => EMPTY,
  );
}

/** The page whose form runs each procedure. */
export const PAGE_OF: Record<Procedure, string> = {
  generate: "/prompts",
  "cfg-compare": "/lab",
  sdedit: "/edits",
  inpaint: "/edits",
  anagram: "/illusions",
  hybrid: "/illusions",
  forward: "/lab",
  "denoise-compare": "/lab",
  "sampler-compare": "/lab",
};

/** Sends a recipe to its form (the caller then navigates to `PAGE_OF[recipe.procedure]`). */
export function sendRecipe(recipe: Recipe, from: string): void {
  const source =
    "imageId" in recipe
      ? { uploaded: { id: recipe.imageId, url: `/api/artifacts/uploads/${recipe.imageId}.png`, width: 0, height: 0 } }
      : inbox.source;
  set({ recipe: { recipe, from }, source });
}

/** Sends an image to the next page with a source image (Edits, Lab). */
export function sendSource(source: SentSource): void {
  set({ ...inbox, source });
}

/**
 * Fills a form from a recalled recipe of one of `procedures`: `apply` sets every field (mode, model, prompts, …). It
 * runs again once the recipe's model is the chosen one, after the model's defaults, so the recipe's values win.
 */
export function useRecall(procedures: readonly Procedure[], model: ModelInfo | undefined, apply: (r: Recipe) => void) {
  const { recipe: pending } = useInbox();
  const wanted = pending && procedures.includes(pending.recipe.procedure) ? pending : undefined;
  const applyRef = useRef(apply);
  applyRef.current = apply;
  const modelId = model?.id;
  useEffect(() => {
    if (!wanted) return;
    applyRef.current(wanted.recipe);
    if (modelId === wanted.recipe.modelId) set({ ...inbox, recipe: undefined });
  }, [wanted, modelId]);
}

/** Takes a sent source image once (the image input of Edits or Lab). */
export function useSentSource(take: (s: SentSource) => void) {
  const { source } = useInbox();
  const takeRef = useRef(take);
  takeRef.current = take;
  useEffect(() => {
    if (!source) return;
    set({ ...inbox, source: undefined });
    takeRef.current(source);
  }, [source]);
}
