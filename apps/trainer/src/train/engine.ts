import type { ScheduleConfig } from "@diffusion-studio/core";
import type { StepInput, TrainedModelKind } from "./objectives.js";

/**
 * What the training loop needs from the engine: @diffusion-studio/models' Node trainer (one ONNX Runtime session
 * run per step: forward, loss, backward, Adam). Declared here so that the loop states exactly what it relies on.
 */
export interface TrainingEngine {
  /** Learning rate of the next step (a graph input: ExponentialLR just sets it). */
  lr: number;
  readonly stepCount: number;
  step(input: StepInput): Promise<{ readonly loss: number }>;
  /** Parameters, Adam moments, BatchNorm statistics, step and lr (safetensors). */
  saveCheckpoint(): Uint8Array;
  /** The eval-mode inference ONNX with the model card in its metadata. */
  exportInference(): Uint8Array;
  /** What runs the steps, as it ran: e.g. "onnxruntime-node 1.30.0 (cpu)" (CUDA when its provider loaded). */
  readonly runtime: string;
  dispose(): void;
}

export interface EngineOptions {
  readonly kind: TrainedModelKind;
  readonly D: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly lr: number;
  readonly adam: { readonly beta1: number; readonly beta2: number; readonly eps: number };
  /** Resume from this checkpoint instead of a fresh seeded initialisation. */
  readonly checkpoint?: Uint8Array;
  readonly threads?: number;
  /** The β schedule of a discrete-time (DDPM) model, stored in its card so samplers use the same one. */
  readonly noiseSchedule?: ScheduleConfig;
}

export type EngineFactory = (options: EngineOptions) => Promise<TrainingEngine>;
