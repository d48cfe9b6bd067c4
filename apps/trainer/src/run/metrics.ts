import { existsSync } from "node:fs";
import { appendJsonLine, readJsonLines, writeFileAtomic } from "./files.js";

/** One line of metrics.jsonl. */
export interface MetricRecord {
  /** Optimiser steps taken, counting this one (1-based). */
  readonly step: number;
  /** 0-based epoch the step belongs to. */
  readonly epoch: number;
  readonly loss: number;
  /** Learning rate used for this step. */
  readonly lr: number;
  /** Training wall time in seconds since the run started, summed over resumed sessions. */
  readonly wallTime: number;
}

export function appendMetric(file: string, record: MetricRecord): void {
  appendJsonLine(file, record);
}

export function readMetrics(file: string): MetricRecord[] {
  return readJsonLines<MetricRecord>(file);
}

/**
 * Drops the lines after `step` (written after the last checkpoint by a process that then died), so a resumed run's
 * metrics read exactly like an uninterrupted run's.
 */
export function truncateMetrics(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readMetrics(file).filter((record) => record.step <= step);
  writeFileAtomic(file, kept.map((record) => `${JSON.stringify(record)}\n`).join(""));
}
