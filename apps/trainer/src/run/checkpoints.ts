import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { readJson, writeFileAtomic, writeJsonAtomic } from "./files.js";
import { runPaths } from "./layout.js";

/** Where training stands: enough, with the engine's state, to continue exactly. */
export interface TrainingPosition {
  /** Optimiser steps done. */
  readonly step: number;
  /** 0-based epoch of the next batch. */
  readonly epoch: number;
  /** 0-based index of the next batch within `epoch`. */
  readonly batchIndex: number;
  /** Training seconds so far, over every session. */
  readonly wallTime: number;
}

interface LatestPointer extends TrainingPosition {
  readonly folder: string;
  readonly savedAt: string;
}

const STATE_FILE = "state.safetensors";

/**
 * Saves the engine state and the position as a new folder, then repoints latest.json at it (one atomic rename),
 * then removes older folders. A crash at any moment leaves the previous or the new checkpoint intact.
 */
export function saveCheckpoint(dir: string, position: TrainingPosition, state: Uint8Array): string {
  const paths = runPaths(dir);
  const folder = `step-${String(position.step).padStart(8, "0")}`;
  const target = path.join(paths.checkpoints, folder);
  mkdirSync(target, { recursive: true });
  writeFileAtomic(path.join(target, STATE_FILE), state);
  writeJsonAtomic(path.join(target, "position.json"), position);
  const pointer: LatestPointer = { ...position, folder, savedAt: new Date().toISOString() };
  writeJsonAtomic(paths.latestCheckpoint, pointer);
  for (const entry of readdirSync(paths.checkpoints)) {
    if (entry.startsWith("step-") && entry !== folder) rmSync(path.join(paths.checkpoints, entry), { recursive: true });
  }
  return path.relative(dir, path.join(target, STATE_FILE));
}

/** The newest complete checkpoint, or null when the run has none yet. */
export function loadCheckpoint(dir: string): { position: TrainingPosition; state: Uint8Array } | null {
  const paths = runPaths(dir);
  if (!existsSync(paths.latestCheckpoint)) return null;
  const { folder, step, epoch, batchIndex, wallTime } = readJson<LatestPointer>(paths.latestCheckpoint);
  const state = readFileSync(path.join(paths.checkpoints, folder, STATE_FILE));
  return { position: { step, epoch, batchIndex, wallTime }, state: new Uint8Array(state) };
}
