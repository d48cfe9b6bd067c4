import type { ExperimentConfig } from "../config/schema.js";

/**
 * Peak memory of a training process, in MB, from its batch and width: a fixed part (Node, ONNX Runtime, MNIST as
 * float32) plus activations and gradients, which grow with batch × D. Fitted to peak RSS measured on this project's
 * machines (flow-class, 28×28, onnxruntime-node CPU): D=32/B=64 1,147 MB, D=64/B=64 1,750 MB, D=64/B=256 5,513 MB
 * (fit: 496 + 0.306 · B · D, within 3 %), with a 15 % margin. Used to refuse runs before they are queued.
 */
export function estimateRunMemoryMb(config: Pick<ExperimentConfig, "batch" | "hidden">): number {
  const fixedMb = 500;
  const perBatchWidthMb = 0.306;
  return Math.ceil((fixedMb + perBatchWidthMb * config.batch * config.hidden) * 1.15);
}
