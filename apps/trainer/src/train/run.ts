import { makeSchedule } from "@diffusion-studio/core";
import { coreSchedule } from "../config/schedule.js";
import { readRunConfig } from "../run/run-dir.js";
import { type ArtistOptions, createArtist } from "./artist.js";
import type { EngineFactory } from "./engine.js";
import { type TrainOptions, type TrainOutcome, trainRun } from "./loop.js";
import { modelsEngine } from "./models-engine.js";

export type RunTrainingOptions = Omit<TrainOptions, "engine" | "artist" | "alphasCumprod"> & {
  readonly engine?: EngineFactory;
  readonly artist?: ArtistOptions;
};

/** Trains (or continues) the run in `options.dir` with the real engine and the standard artifacts. */
export function runTraining(options: RunTrainingOptions): Promise<TrainOutcome> {
  const config = readRunConfig(options.dir);
  const alphasCumprod =
    config.objective === "ddpm" ? makeSchedule(coreSchedule(config.ddpm.schedule)).alphasCumprod : undefined;
  return trainRun({
    ...options,
    engine: options.engine ?? modelsEngine,
    artist: createArtist({
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.trainSet ? { trainSet: options.trainSet } : {}),
      ...options.artist,
    }),
    ...(alphasCumprod ? { alphasCumprod } : {}),
  });
}
