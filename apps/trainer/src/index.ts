/** Public API of @diffusion-studio/trainer: MNIST data, experiment configs, runs and their artifacts. */

export { cancelRun, RunBusyError, type StartedRun, type StartRunOptions, startRun } from "./api/process.js";
export {
  listRuns,
  liveStatus,
  type RunArtifacts,
  type RunSummary,
  readArtifacts,
  readEvents,
  type WatchOptions,
  watchRun,
} from "./api/runs.js";
export { experimentNames, experiments } from "./config/experiments.js";
export {
  ConfigError,
  type ConfigOverrides,
  type ConfigProblem,
  lrAtEpoch,
  lrGamma,
  parseAssignments,
  parseOverrideValue,
  resolveConfig,
  validateConfig,
} from "./config/resolve.js";
export {
  type ClassifierConfig,
  type DdpmConfig,
  type DdpmSchedule,
  type DenoiserConfig,
  type ExperimentConfig,
  experimentConfigSchema,
  type FlowConfig,
  type LrSchedule,
  type Objective,
} from "./config/schema.js";
export { type Batch, type BatchOptions, batchesPerEpoch, epochBatches, epochOrder } from "./data/batches.js";
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type IdxExpectation,
  type IdxFile,
  IdxFormatError,
  parseIdx,
} from "./data/idx.js";
export {
  decodeMnist,
  loadMnist,
  MNIST_CLASSES,
  MNIST_PIXELS,
  MNIST_SIZE,
  type MnistDataset,
  type MnistSplit,
  meanImage,
  mnistDataDir,
} from "./data/mnist.js";
export { createRng, deriveSeed, permutation, type Rng, Stream } from "./data/random.js";
export { type EvaluateOptions, evaluateGenerator, type GeneratorEvaluation } from "./eval/evaluate.js";
export { fitGaussian, frechetDistance, type Gaussian } from "./eval/frechet.js";
export type { RunEvent, RunEventType } from "./run/events.js";
export { runPaths } from "./run/layout.js";
export type { MetricRecord } from "./run/metrics.js";
export type { ModelCard } from "./run/model-card.js";
export { createRunDir, RunExistsError, RunNotFoundError, type RunState, type RunStatus } from "./run/run-dir.js";
export type { EngineFactory, EngineOptions, TrainingEngine } from "./train/engine.js";
export type { TrainOutcome } from "./train/loop.js";
export { modelKindOf, prepareStep, type StepInput, type TrainedModelKind } from "./train/objectives.js";
export { type RunTrainingOptions, runTraining } from "./train/run.js";
