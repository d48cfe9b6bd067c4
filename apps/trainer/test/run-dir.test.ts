import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import { loadCheckpoint, saveCheckpoint } from "../src/run/checkpoints.js";
import { readJsonLines } from "../src/run/files.js";
import { runPaths } from "../src/run/layout.js";
import { appendMetric, readMetrics, truncateMetrics } from "../src/run/metrics.js";
import { createRunDir, RunExistsError, readRunConfig, readStatus, updateStatus } from "../src/run/run-dir.js";

const scratch = () => mkdtempSync(path.join(tmpdir(), "trainer-run-"));

describe("run directories", () => {
  it("hold the resolved config and a status, and are never overwritten", () => {
    const dir = path.join(scratch(), "nested", "run-a");
    const config = resolveConfig("flow-time", { epochs: 2 });
    createRunDir(dir, config);
    expect(readRunConfig(dir)).toEqual(config);
    expect(readStatus(dir)).toMatchObject({ state: "created", experiment: "flow-time", step: 0 });
    expect(() => createRunDir(dir, config)).toThrow(RunExistsError);
    expect(() => createRunDir(dir, config)).toThrow(/already exists; choose another --out, or continue it/);
    // The refused attempt changed nothing.
    expect(readRunConfig(dir)).toEqual(config);
    expect(updateStatus(dir, { state: "running", pid: 42 })).toMatchObject({ state: "running", pid: 42 });
  });

  it("keep the newest checkpoint only, and load it back exactly", () => {
    const dir = createRunDir(path.join(scratch(), "run"), resolveConfig("denoiser"));
    saveCheckpoint(dir, { step: 10, epoch: 0, batchIndex: 10, wallTime: 1.5 }, Uint8Array.of(1, 2, 3));
    const where = saveCheckpoint(dir, { step: 20, epoch: 1, batchIndex: 3, wallTime: 3 }, Uint8Array.of(4, 5));
    expect(where).toBe(path.join("checkpoints", "step-00000020", "state.safetensors"));
    expect(readdirSync(runPaths(dir).checkpoints).sort()).toEqual(["latest.json", "step-00000020"]);
    const loaded = loadCheckpoint(dir)!;
    expect(loaded.position).toEqual({ step: 20, epoch: 1, batchIndex: 3, wallTime: 3 });
    expect(Array.from(loaded.state)).toEqual([4, 5]);
  });

  it("have no checkpoint before the first save", () => {
    expect(loadCheckpoint(createRunDir(path.join(scratch(), "r"), resolveConfig("denoiser")))).toBeNull();
  });
});

describe("metrics.jsonl", () => {
  it("appends records and truncates the ones after a checkpoint on resume", () => {
    const file = path.join(scratch(), "metrics.jsonl");
    for (let step = 1; step <= 5; step++)
      appendMetric(file, { step, epoch: 0, loss: 1 / step, lr: 0.01, wallTime: step });
    truncateMetrics(file, 3);
    expect(readMetrics(file).map((r) => r.step)).toEqual([1, 2, 3]);
    expect(readMetrics(file)[2]).toEqual({ step: 3, epoch: 0, loss: 1 / 3, lr: 0.01, wallTime: 3 });
  });

  it("skips a torn last line", () => {
    const file = path.join(scratch(), "events.jsonl");
    writeFileSync(file, '{"a":1}\n{"a":2}\n{"a":');
    expect(readJsonLines(file)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(existsSync(file) && readFileSync(file, "utf8").length).toBeGreaterThan(0);
  });
});
