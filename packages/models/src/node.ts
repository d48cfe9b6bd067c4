/**
 * Node entry: ONNX Runtime sessions on onnxruntime-node (CPU, or CUDA when the provider libraries are installed and
 * asked for), the Trainer and inference models.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, availableParallelism, platform } from "node:os";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { InferenceModel } from "./runtime/inference-model.js";
import type { Runtime } from "./runtime/runtime.js";
import { Trainer, type TrainerOptions } from "./runtime/trainer.js";

export interface NodeRuntimeOptions {
  /**
   * "auto" (default): CUDA when onnxruntime-node's CUDA provider libraries are installed (see the root README, "GPU
   * hosts") and load, else CPU. "cpu" or "cuda" force one.
   */
  readonly device?: "cpu" | "cuda" | "auto";
  /** Intra-op threads; default: all cores. */
  readonly threads?: number;
  /** ORT graph optimizations; the prototype measured "all" and "disabled" as numerically identical. */
  readonly graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
}

/** Whether onnxruntime-node's install script fetched the CUDA provider next to the CPU binaries. */
export function cudaProviderInstalled(): boolean {
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve("onnxruntime-node")));
  return existsSync(join(packageDir, "bin", "napi-v6", platform(), arch(), "libonnxruntime_providers_cuda.so"));
}

export function createNodeRuntime(options: NodeRuntimeOptions = {}): Runtime {
  const device = options.device ?? "auto";
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
  // "auto" only tries CUDA when its libraries exist: a failed attempt prints an ORT error line.
  let resolved: "cpu" | "cuda" | null = device === "auto" ? (cudaProviderInstalled() ? null : "cpu") : device;
  return {
    get name() {
      return `onnxruntime-node (${resolved ?? "auto"})`;
    },
    async createSession(model) {
      if (resolved === null) {
        try {
          const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ["cuda", "cpu"] });
          resolved = "cuda";
          return session;
        } catch {
          resolved = "cpu";
        }
      }
      const providers = resolved === "cuda" ? ["cuda", "cpu"] : ["cpu"];
      return ort.InferenceSession.create(model, { ...base, executionProviders: providers });
    },
    tensor: (data, dims) => new ort.Tensor("float32", data, dims),
  };
}

const runtimes = new Map<string, Runtime>();
/**
 * A process-wide runtime per configuration, created on first use, so that trainers and models made with the same
 * options share its cached sessions. No options: device "auto", all cores.
 */
export function sharedNodeRuntime(options: NodeRuntimeOptions = {}): Runtime {
  const key = JSON.stringify([options.device ?? "auto", options.threads ?? 0, options.graphOptimizationLevel ?? "all"]);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = createNodeRuntime(options);
    runtimes.set(key, runtime);
  }
  return runtime;
}

function pickRuntimeOptions(o: NodeRuntimeOptions): NodeRuntimeOptions {
  return {
    ...(o.device ? { device: o.device } : {}),
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.graphOptimizationLevel ? { graphOptimizationLevel: o.graphOptimizationLevel } : {}),
  };
}

export interface CreateTrainerOptions extends TrainerOptions, NodeRuntimeOptions {
  /** Use this runtime instead of one made from `device`/`threads`. */
  readonly runtime?: Runtime;
}

export function createTrainer(options: CreateTrainerOptions): Promise<Trainer> {
  return Trainer.create(options.runtime ?? sharedNodeRuntime(pickRuntimeOptions(options)), options);
}

export function loadInferenceModel(onnx: Uint8Array, options: NodeRuntimeOptions & { runtime?: Runtime } = {}) {
  return InferenceModel.load(options.runtime ?? sharedNodeRuntime(pickRuntimeOptions(options)), onnx);
}

export * from "./deepfloyd/index.js";
export {
  type LoadDeepFloydOptions,
  loadDeepFloyd,
  MANIFEST_FILE as DEEPFLOYD_MANIFEST_FILE,
  readDeepFloydManifest,
} from "./deepfloyd/node.js";
export type { ModelInputs } from "./runtime/inference-model.js";
export type { Runtime } from "./runtime/runtime.js";
export {
  type EvaluationResult,
  releaseCachedSessions,
  type StepResult,
  type TrainerOptions,
  type TrainingBatch,
} from "./runtime/trainer.js";
export { InferenceModel, Trainer };
