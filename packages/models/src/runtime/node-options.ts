/** Session options for onnxruntime-node, shared by the engine's runtime and the DeepFloyd loader. */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, availableParallelism, platform } from "node:os";
import { dirname, join } from "node:path";
import type * as ort from "onnxruntime-node";

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

/** Validated device and threads, and the provider-independent session options they give. */
export function baseSessionOptions(options: NodeRuntimeOptions): {
  readonly device: "cpu" | "cuda" | "auto";
  readonly session: ort.InferenceSession.SessionOptions;
} {
  const device = options.device ?? "auto";
  if (!["cpu", "cuda", "auto"].includes(device)) {
    throw new RangeError(`\`device\` must be "cpu", "cuda" or "auto"; got "${device}"`);
  }
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`\`threads\` must be an integer in [1, 256]; got ${threads}`);
  }
  return {
    device,
    session: {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    },
  };
}
