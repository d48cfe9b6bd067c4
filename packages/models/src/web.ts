/**
 * Browser entry: inference on onnxruntime-web, WebGPU when the browser has it, else wasm. Also runs in Node (wasm),
 * which the parity test uses.
 */
import * as ort from "onnxruntime-web";
import { InferenceModel } from "./runtime/inference-model.js";
import type { Runtime } from "./runtime/runtime.js";

export interface WebRuntimeOptions {
  /** "auto" (default): WebGPU when `navigator.gpu` exists, else wasm. */
  readonly backend?: "auto" | "webgpu" | "wasm";
  /** wasm threads (needs cross-origin isolation in browsers); default ORT's choice. */
  readonly threads?: number;
}

function hasWebGpu(): boolean {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  return nav?.gpu !== undefined;
}

export function createWebRuntime(options: WebRuntimeOptions = {}): Runtime {
  const backend = options.backend ?? "auto";
  if (!["auto", "webgpu", "wasm"].includes(backend)) {
    throw new RangeError(`\`backend\` must be "auto", "webgpu" or "wasm"; got "${backend}"`);
  }
  if (options.threads !== undefined) ort.env.wasm.numThreads = options.threads;
  const provider = backend === "auto" ? (hasWebGpu() ? "webgpu" : "wasm") : backend;
  return {
    name: `onnxruntime-web (${provider})`,
    createSession: (model) =>
      ort.InferenceSession.create(model, {
        executionProviders: provider === "webgpu" ? ["webgpu", "wasm"] : ["wasm"],
        graphOptimizationLevel: "all",
      }),
    tensor: (data, dims) => new ort.Tensor("float32", data, dims),
  };
}

export function loadInferenceModel(onnx: Uint8Array, options: WebRuntimeOptions & { runtime?: Runtime } = {}) {
  return InferenceModel.load(options.runtime ?? createWebRuntime(options), onnx);
}

export type { ModelInputs } from "./runtime/inference-model.js";
export type { Runtime } from "./runtime/runtime.js";
export { InferenceModel };
