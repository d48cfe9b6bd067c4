/**
 * The run-management API without the training engine: `@diffusion-studio/trainer/api` loads neither ONNX Runtime nor
 * the image libraries, so a web server can start, watch, cancel and list runs cheaply (training happens in the
 * detached child process).
 */
export { experimentNames, experiments } from "../config/experiments.js";
export { ConfigError, type ConfigOverrides, type ConfigProblem, resolveConfig } from "../config/resolve.js";
export type { ExperimentConfig } from "../config/schema.js";
export { batchesPerEpoch } from "../data/batches.js";
export type { RunEvent, RunEventType } from "../run/events.js";
export { runPaths } from "../run/layout.js";
export type { MetricRecord } from "../run/metrics.js";
export type { ModelCard } from "../run/model-card.js";
export { createRunDir, RunExistsError, RunNotFoundError, type RunState, type RunStatus } from "../run/run-dir.js";
export { type EmbeddedModel, embeddedModels, embeddedModelsDir } from "./embedded.js";
export { estimateRunMemoryMb } from "./memory.js";
export { cancelRun, newRunName, RunBusyError, type StartedRun, type StartRunOptions, startRun } from "./process.js";
export { estimateRunSeconds, type RunTimeEstimate } from "./run-time.js";
export {
  type EventBatch,
  listRuns,
  liveStatus,
  type RunArtifacts,
  type RunSummary,
  readArtifacts,
  readEvents,
  runHasEnded,
  type WatchOptions,
  watchRun,
  watchRunBatches,
} from "./runs.js";
