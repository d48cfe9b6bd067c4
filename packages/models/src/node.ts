/**
 * Node entry: ONNX Runtime sessions on onnxruntime-node (CPU, or CUDA when the provider libraries are installed and
 * asked for), the Trainer and inference models.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { ImageBatch } from "@diffusion-studio/core";
import * as ort from "onnxruntime-node";
import { InferenceModel } from "./runtime/inference-model.js";
import { baseSessionOptions, cudaProviderInstalled, type NodeRuntimeOptions } from "./runtime/node-options.js";
import type { Runtime } from "./runtime/runtime.js";
import { NonFiniteLossError, Trainer, type TrainerOptions } from "./runtime/trainer.js";
import { readModelCardFile } from "./sampling/recorded-sampling.js";
import { type SampleImagesOptions, sampleImages } from "./sampling/sample-images.js";

export { cudaProviderInstalled, type NodeRuntimeOptions };

export function createNodeRuntime(options: NodeRuntimeOptions = {}): Runtime {
  const { device, session: base } = baseSessionOptions(options);
  // "auto" only tries CUDA when its libraries exist: a failed attempt prints an ORT error line.
  let resolved: "cpu" | "cuda" | null = device === "auto" ? (cudaProviderInstalled() ? null : "cpu") : device;
  return {
    get name() {
      return `onnxruntime-node ${ort.env.versions.node} (${resolved ?? "auto"})`;
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

/**
 * Samples `count` images from an exported model file (`model.onnx`, or a folder holding one) with its sampling
 * policy (see `sampleImages`; a published folder's recorded default included), then releases the session.
 */
export async function sampleModelFile(
  file: string,
  options: SampleImagesOptions & NodeRuntimeOptions,
): Promise<ImageBatch> {
  const onnx = (await stat(file)).isDirectory() ? path.join(file, "model.onnx") : file;
  const bytes = new Uint8Array(await readFile(onnx));
  const card = await readModelCardFile(onnx, bytes);
  const model = await loadInferenceModel(bytes, pickRuntimeOptions(options));
  try {
    return await sampleImages({ card, run: (inputs) => model.run(inputs) }, options);
  } finally {
    await model.dispose();
  }
}

export { MANIFEST_FILE as DEEPFLOYD_MANIFEST_FILE, readDeepFloydManifest } from "./deepfloyd/files.js";
export type { DeepFloydModel } from "./deepfloyd/model.js";
export { type LoadDeepFloydOptions, loadDeepFloyd } from "./deepfloyd/node.js";
export { type WritePngsOptions, writePngs } from "./image/png-files.js";
export type { ModelInputs } from "./runtime/inference-model.js";
export type { Runtime } from "./runtime/runtime.js";
export {
  type EvaluationResult,
  releaseCachedSessions,
  type StepResult,
  type TrainerOptions,
  type TrainingBatch,
} from "./runtime/trainer.js";
export { CARD_JSON_FILE, readModelCardFile, recordedSamplingBeside } from "./sampling/recorded-sampling.js";
export { InferenceModel, NonFiniteLossError, Trainer };
