import type { Denoiser } from "@diffusion-studio/core";
import { createDenoiser, type ModelCard } from "@diffusion-studio/models";
import { createTrainer, loadInferenceModel, sharedNodeRuntime } from "@diffusion-studio/models/node";
import type { EngineFactory } from "./engine.js";

/** The real engine: @diffusion-studio/models' ONNX Runtime trainer (CPU, or CUDA when its provider loads). */
export const modelsEngine: EngineFactory = async (options) => {
  // The process-wide runtime createTrainer would pick; held here so the card can say which provider ran.
  const runtime = sharedNodeRuntime(options.threads ? { threads: options.threads } : {});
  const trainer = await createTrainer({
    runtime,
    kind: options.kind,
    D: options.D,
    batchSize: options.batchSize,
    seed: options.seed,
    lr: options.lr,
    adam: options.adam,
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
  });
  const cardOptions = options.noiseSchedule ? { noiseSchedule: options.noiseSchedule } : {};
  return {
    get lr() {
      return trainer.lr;
    },
    set lr(value: number) {
      trainer.lr = value;
    },
    get stepCount() {
      return trainer.stepCount;
    },
    step: (input) => trainer.step(input),
    saveCheckpoint: () => trainer.saveCheckpoint(),
    exportInference: () => trainer.exportInference(cardOptions),
    get runtime() {
      return runtime.name;
    },
    dispose: () => trainer.dispose(),
  };
};

/** A loaded eval-mode model with its card and batched run. */
export interface LoadedModel {
  readonly card: ModelCard;
  run(inputs: { x: Float32Array; t?: Float32Array; c?: Float32Array }): Promise<Float32Array>;
  /** Classifiers: logits and penultimate features from one run (when `card.featureSize` is set). */
  runWithFeatures(inputs: { x: Float32Array }): Promise<{ y: Float32Array; features: Float32Array }>;
  dispose(): Promise<void>;
}

export async function loadModel(onnx: Uint8Array, threads?: number): Promise<LoadedModel> {
  return loadInferenceModel(onnx, threads ? { threads } : {});
}

/** The model as a core Denoiser (a DDPM model's card carries its own T, which the adapter scales timesteps by). */
export function denoiserOf(model: LoadedModel): Denoiser {
  return createDenoiser({ card: model.card, run: (inputs) => model.run(inputs) });
}
