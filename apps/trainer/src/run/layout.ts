import path from "node:path";

/**
 * Where everything of one run lives. The run directory is the whole interface between the trainer process and its
 * watchers (CLI, portal): they only ever read these files.
 */
export function runPaths(dir: string) {
  const at = (...parts: string[]) => path.join(dir, ...parts);
  return {
    dir,
    /** The resolved, validated config the run follows (never changes after creation). */
    config: at("config.json"),
    /** Status: running / done / failed / cancelled, the process id, timestamps. */
    status: at("status.json"),
    /** One JSON line per training step: step, epoch, loss, lr, wall time. */
    metrics: at("metrics.jsonl"),
    /** Typed progress events, one JSON line each (see events.ts). */
    events: at("events.jsonl"),
    /** stdout + stderr of a detached run. */
    log: at("train.log"),
    checkpoints: at("checkpoints"),
    /** Points at the newest complete checkpoint folder; replaced atomically. */
    latestCheckpoint: at("checkpoints", "latest.json"),
    grids: at("grids"),
    grid: (epoch: number) => at("grids", `epoch-${String(epoch).padStart(3, "0")}.png`),
    lossPng: at("loss.png"),
    lossSvg: at("loss.svg"),
    trajectoryGif: at("trajectory.gif"),
    model: at("model.onnx"),
    cardJson: at("model-card.json"),
    cardMarkdown: at("model-card.md"),
    evaluation: at("evaluation.json"),
  };
}

export type RunPaths = ReturnType<typeof runPaths>;
