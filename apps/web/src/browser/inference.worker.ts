/// <reference lib="webworker" />
/**
 * Runs one recipe in the browser, off the page's main thread: fetches the model file (HTTP-cached, checked against
 * its SHA-256), opens it with onnxruntime-web (WebGPU when the browser has an adapter, else wasm, threaded when the
 * page is cross-origin isolated) and runs the same procedures as the server's workers (src/worker/procedures.ts).
 */
import { createDenoiser, samplingPolicy } from "@diffusion-studio/models";
import { createWebRuntime, loadInferenceModel } from "@diffusion-studio/models/web";
import * as ort from "onnxruntime-web";
import type { Recipe } from "../shared/recipes.ts";
import * as procedures from "../worker/procedures.ts";
import { BrowserJob } from "./browser-job.ts";
import { describeFailure } from "./errors.ts";
import type { Backend, FromWorker, ToWorker } from "./protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

const abort = new AbortController();

function post(message: FromWorker) {
  const transfer = message.type === "image" ? [message.image.png.buffer] : [];
  self.postMessage(message, transfer as Transferable[]);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === "cancel") {
    abort.abort();
    return;
  }
  run(msg).catch((err: unknown) => {
    if (abort.signal.aborted) post({ type: "cancelled" });
    else post({ type: "error", message: describeFailure(err) });
  });
};

/** A WebAssembly module that uses one SIMD instruction: validates only where wasm SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

async function chooseBackend(forced?: Backend): Promise<Backend> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = forced !== "wasm" && gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (forced === "webgpu" && !adapter) throw new Error("backend: this browser has no WebGPU adapter");
  if (adapter) return "webgpu";
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error(
      "backend: this browser has neither WebGPU nor WebAssembly SIMD, which onnxruntime-web needs; run it on the server",
    );
  }
  return "wasm";
}

async function fetchModel(url: string, expected: { bytes: number; sha256: string }): Promise<Uint8Array> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`model: the portal answered ${res.status} for ${url}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength !== expected.bytes) {
    throw new Error(`model: downloaded ${bytes.byteLength} bytes, the portal declared ${expected.bytes}`);
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  if (hex !== expected.sha256) throw new Error(`model: SHA-256 ${hex} does not match the declared ${expected.sha256}`);
  return bytes;
}

async function run(msg: Extract<ToWorker, { type: "run" }>) {
  const { recipe, model: info } = msg;
  if (!info.browser) throw new Error(`modelId: model '${info.id}' does not run in browsers`);
  const backend = await chooseBackend(msg.backend);
  // The portal serves ORT's wasm itself (public/ort, copied at build): nothing comes from a CDN.
  ort.env.wasm.wasmPaths = "/ort/";
  ort.env.wasm.proxy = false;
  const threads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  post({ type: "status", message: `downloading the model (${(info.browser.bytes / 1e6).toFixed(1)} MB)…` });
  const onnx = await fetchModel(msg.modelUrl, info.browser);
  post({ type: "status", message: `opening it with onnxruntime-web (${backend})…` });
  const loaded = await loadInferenceModel(onnx, { runtime: createWebRuntime({ backend, threads }) });
  const t0 = performance.now();
  post({ type: "started", backend, threads: backend === "wasm" ? threads : 0 });
  try {
    const runnable = {
      denoiser: createDenoiser(loaded),
      policy: samplingPolicy(loaded.card),
      pixels: { channels: 1, range: "unit", fit: "fill" } as const,
    };
    const job = new BrowserJob(
      info,
      runnable,
      msg.inputs,
      {
        signal: abort.signal,
        emit: (e) =>
          e.type === "progress"
            ? post({ type: "progress", step: e.step, total: e.total, previews: [], stage: e.stage })
            : undefined,
      },
      {
        image: (image) => post({ type: "image", image }),
        progress: (step, total, previews, stage) => post({ type: "progress", step, total, previews, stage }),
      },
    );
    await runRecipe(job, recipe);
    post({ type: "done", seconds: (performance.now() - t0) / 1000 });
  } finally {
    await loaded.dispose();
  }
}

/** The same dispatch as the server's run-task.ts. */
async function runRecipe(job: BrowserJob, recipe: Recipe): Promise<void> {
  switch (recipe.procedure) {
    case "generate":
      return procedures.generate(job, recipe);
    case "cfg-compare":
      return procedures.cfgCompare(job, recipe);
    case "sdedit":
      return procedures.sdeditSweep(job, recipe);
    case "inpaint":
      return procedures.inpaintMasked(job, recipe);
    case "anagram":
      return procedures.anagram(job, recipe);
    case "hybrid":
      return procedures.hybrid(job, recipe);
    case "forward":
      return procedures.forward(job, recipe);
    case "denoise-compare":
      return procedures.denoiseCompare(job, recipe);
    case "sampler-compare":
      return procedures.samplerCompare(job, recipe);
  }
}
