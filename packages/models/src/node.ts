/**
 * Node entry: ONNX Runtime sessions on onnxruntime-node (CPU, or CUDA when the provider libraries are installed and
 * asked for), the Trainer and inference models.
 */
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { InferenceModel } from "./runtime/inference-model.js";
import type { Runtime } from "./runtime/runtime.js";
import { Trainer, type TrainerOptions } from "./runtime/trainer.js";

export interface NodeRuntimeOptions {
  /** "cpu" (default), "cuda", or "auto" (CUDA when its provider loads, else CPU). */
  readonly device?: "cpu" | "cuda" | "auto";
  /** Intra-op threads; default: all cores. */
  readonly threads?: number;
  /** ORT graph optimizations; the prototype measured "all" and "disabled" as numerically identical. */
  readonly graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
}

export function createNodeRuntime(options: NodeRuntimeOptions = {}): Runtime {
  const device = options.device ?? "cpu";
  if (!["cpu", "cuda", "auto"].includes(device)) {
    throw new RangeError(`\`device\` must be "cpu", "cuda" or "auto"; got "${device}"`);
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`\`threads\` must be an integer in [1, 256]; got ${threads}`);
  }
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
  };
  let resolved: "cpu" | "cuda" | null = device === "auto" ? null : device;
  return {
    get name() {
      return `onnxruntime-node (${resolved ?? "auto"})`;
    },
    async createSession(model) {
      if (resolved === null) {
        try {
          const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ["cuda"] });
          resolved = "cuda";
          return session;
        } catch {
          resolved = "cpu";
        }
      }
      return ort.InferenceSession.create(model, { ...base, executionProviders: [resolved] });
    },
    tensor: (data, dims) => new ort.Tensor("float32", data, dims),
  };
}

let defaultRuntime: Runtime | null = null;
/** A process-wide CPU runtime with all cores, created on first use. */
export function defaultNodeRuntime(): Runtime {
  defaultRuntime ??= createNodeRuntime();
  return defaultRuntime;
}

export interface CreateTrainerOptions extends TrainerOptions, NodeRuntimeOptions {
  /** Use this runtime instead of one made from `device`/`threads`. */
  readonly runtime?: Runtime;
}

export function createTrainer(options: CreateTrainerOptions): Promise<Trainer> {
  const custom = options.device !== undefined || options.threads !== undefined || options.graphOptimizationLevel;
  const runtime = options.runtime ?? (custom ? createNodeRuntime(options) : defaultNodeRuntime());
  return Trainer.create(runtime, options);
}

export function loadInferenceModel(onnx: Uint8Array, options: NodeRuntimeOptions & { runtime?: Runtime } = {}) {
  return InferenceModel.load(options.runtime ?? createNodeRuntime(options), onnx);
}

export type { ModelInputs } from "./runtime/inference-model.js";
export type { Runtime } from "./runtime/runtime.js";
export { releaseCachedSessions, type StepResult, type TrainerOptions, type TrainingBatch } from "./runtime/trainer.js";
export { InferenceModel, Trainer };
