"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ProgressStage } from "@/shared/jobs";
import type { ModelInfo } from "@/shared/models";
import type { Recipe } from "@/shared/recipes";
import { useTRPC } from "@/trpc/react";
import type { Backend, BrowserImage, FromWorker, ToWorker } from "./protocol";

/** A picture as the page shows it (an object URL of its PNG). */
export interface ShownImage extends BrowserImage {
  readonly url: string;
}

export interface BrowserRunView {
  readonly state: "idle" | "loading" | "running" | "saving" | "done" | "error" | "cancelled";
  readonly status?: string;
  readonly step: number;
  readonly total: number;
  /** Which loop of several (an SDEdit sweep's level) the steps count in. */
  readonly stage?: ProgressStage;
  readonly previews: readonly ShownImage[];
  readonly images: readonly ShownImage[];
  readonly backend?: Backend;
  readonly threads?: number;
  readonly seconds?: number;
  readonly error?: string;
  /** The saved generation, once the result joined the history. */
  readonly generationId?: string;
}

const IDLE: BrowserRunView = { state: "idle", step: 0, total: 0, previews: [], images: [] };

const show = (i: BrowserImage): ShownImage => ({
  ...i,
  url: URL.createObjectURL(new Blob([i.png as Uint8Array<ArrayBuffer>], { type: "image/png" })),
});

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * "Run in this browser": runs a validated recipe in a Web Worker (inference.worker.ts) with onnxruntime-web and
 * saves the result into the same history as server runs (`generations.importBrowserResult`), noting where it ran.
 * Leaving the page mid-run stops it (the browser asks first); nothing is saved for an unfinished run.
 */
export function useBrowserRun() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [view, setView] = useState<BrowserRunView>(IDLE);
  const worker = useRef<Worker | undefined>(undefined);
  const save = useMutation(trpc.generations.importBrowserResult.mutationOptions());
  const active = view.state === "loading" || view.state === "running" || view.state === "saving";

  useEffect(() => {
    if (!active) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [active]);
  useEffect(() => () => worker.current?.terminate(), []);

  const run = useCallback(
    async (recipe: Recipe, model: ModelInfo, backend?: Backend) => {
      worker.current?.terminate();
      if (!model.browser) {
        setView({ ...IDLE, state: "error", error: `modelId: model '${model.id}' does not run in browsers` });
        return;
      }
      setView({ ...IDLE, state: "loading", status: "preparing…" });
      const images: BrowserImage[] = [];
      let ranIn: { backend: Backend; threads: number } = { backend: "wasm", threads: 1 };
      try {
        const inputs: { image?: Uint8Array; mask?: Uint8Array } = {};
        for (const [input, key] of [
          ["image", "imageId"],
          ["mask", "maskId"],
        ] as const) {
          const uploadId = key in recipe ? (recipe as Record<typeof key, string>)[key] : undefined;
          if (!uploadId) continue;
          const { png } = await queryClient.fetchQuery(
            trpc.generations.browserInput.queryOptions({ modelId: model.id, uploadId, input }),
          );
          inputs[input] = fromBase64(png);
        }
        const w = new Worker(new URL("./inference.worker.ts", import.meta.url), { type: "module" });
        worker.current = w;
        w.onerror = (e) => {
          w.terminate();
          setView((v) => ({ ...v, state: "error", error: `browser: the inference worker failed (${e.message})` }));
        };
        w.onmessage = (e: MessageEvent<FromWorker>) => {
          const m = e.data;
          switch (m.type) {
            case "status":
              return setView((v) => ({ ...v, status: m.message }));
            case "started":
              ranIn = { backend: m.backend, threads: Math.max(1, m.threads) };
              return setView((v) => ({
                ...v,
                state: "running",
                backend: m.backend,
                threads: m.threads,
                status: undefined,
              }));
            case "progress":
              return setView((v) => ({
                ...v,
                step: m.step,
                total: m.total,
                stage: m.stage,
                previews: m.previews.map(show),
              }));
            case "image":
              images.push(m.image);
              return setView((v) => ({ ...v, images: [...v.images, show(m.image)] }));
            case "cancelled":
              w.terminate();
              return setView((v) => ({ ...v, state: "cancelled" }));
            case "error":
              w.terminate();
              return setView((v) => ({ ...v, state: "error", error: m.message }));
            case "done": {
              w.terminate();
              setView((v) => ({ ...v, state: "saving", seconds: m.seconds, step: v.total }));
              return void save
                .mutateAsync({
                  recipe,
                  images: images.map((i) => ({ png: toBase64(i.png), label: i.label })),
                  ranIn,
                })
                .then(({ id }) => {
                  setView((v) => ({ ...v, state: "done", generationId: id }));
                  void queryClient.invalidateQueries({ queryKey: trpc.generations.list.queryKey() });
                })
                .catch((err: unknown) =>
                  setView((v) => ({ ...v, state: "error", error: `save: ${(err as Error).message}` })),
                );
            }
          }
        };
        const message: ToWorker = {
          type: "run",
          recipe,
          model,
          modelUrl: `/api/models/${encodeURIComponent(model.id)}/model.onnx`,
          inputs,
          backend,
        };
        w.postMessage(message);
      } catch (err) {
        setView((v) => ({ ...v, state: "error", error: (err as Error).message }));
      }
    },
    [queryClient, save, trpc],
  );

  const cancel = useCallback(() => {
    const w = worker.current;
    if (!w) return;
    w.postMessage({ type: "cancel" } satisfies ToWorker);
    // A model call in flight cannot be interrupted; if the worker does not answer soon, stop it outright.
    setTimeout(() => {
      w.terminate();
      setView((v) => (v.state === "running" || v.state === "loading" ? { ...v, state: "cancelled" } : v));
    }, 2000);
  }, []);

  return { view, run, cancel, active };
}

/**
 * A form's "Run in this browser" choice: `runHere` is what the form's submit hands a valid recipe to (undefined
 * when the choice is off or the model does not run in browsers: the server runs it).
 */
export function useRunHere(model: ModelInfo | undefined) {
  const [on, setOn] = useState(false);
  const browser = useBrowserRun();
  const available = !!model?.browser;
  const runHere = on && model?.browser ? (recipe: Recipe) => void browser.run(recipe, model) : undefined;
  return { ...browser, on, setOn, available, runHere };
}
export type RunHere = ReturnType<typeof useRunHere>;
