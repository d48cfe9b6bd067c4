import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { cancelRun, RunBusyError, startRun } from "../src/api/process.js";
import { listRuns, readArtifacts, runHasEnded, watchRun } from "../src/api/runs.js";
import { resolveConfig } from "../src/config/resolve.js";
import type { RunEvent } from "../src/run/events.js";
import { runPaths } from "../src/run/layout.js";
import { readMetrics } from "../src/run/metrics.js";
import { createRunDir, processAlive, readStatus, updateStatus } from "../src/run/run-dir.js";
import { scratch } from "./helpers.js";

// These tests run the built CLI in real child processes (`pnpm test` builds first).
const root = fileURLToPath(new URL("..", import.meta.url));
const cli = path.join(root, "dist", "cli.js");
const sets = (o: Record<string, unknown>) =>
  Object.entries(o).flatMap(([k, v]) => ["--set", `${k}=${JSON.stringify(v)}`]);
const small = { trainExamples: 640, batch: 16, logEvery: 1, "samples.count": 10, "flow.sampleSteps": 3 };

/** The exit code, once the child's stdout and stderr are drained too ('exit' can come before the last output). */
function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("close", (code) => resolve(code)));
}

async function until(check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the package first (pnpm build)`);
});

describe("CLI", () => {
  it("Ctrl-C saves a checkpoint and exits 130; --resume finishes; an existing run is never overwritten", async () => {
    const dir = path.join(scratch(), "run");
    // Two epochs (80 steps): Ctrl-C after step 5 has plenty of time to land before the end on a busy machine.
    const args = [cli, "train", "flow-time", "--hidden", "4", "--epochs", "2", "--out", dir, "--threads", "1"];
    const child = spawn(process.execPath, [...args, ...sets(small)], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => {
      stderr += d;
    });
    const exited = exitOf(child);
    await until(() => readMetrics(runPaths(dir).metrics).length >= 5);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain(`continue with: diffusion-trainer train --resume ${dir}`);
    const status = readStatus(dir);
    expect(status.state).toBe("cancelled");
    const stoppedAt = status.step;
    expect(stoppedAt).toBeGreaterThanOrEqual(5);
    expect(stoppedAt).toBeLessThan(80);

    const again = spawn(process.execPath, [...args, ...sets(small)], { stdio: ["ignore", "pipe", "pipe"] });
    let refused = "";
    again.stderr!.on("data", (d) => {
      refused += d;
    });
    expect(await exitOf(again)).toBe(2);
    expect(refused).toContain("already exists");

    const resume = spawn(process.execPath, [cli, "train", "--resume", dir, "--threads", "1"], { stdio: "ignore" });
    expect(await exitOf(resume)).toBe(0);
    const metrics = readMetrics(runPaths(dir).metrics);
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(readStatus(dir).state).toBe("done");
  }, 180_000);

  it("show prints the resolved config on stdout; bad overrides name the field and range", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [cli, ...args], (error, stdout, stderr) =>
          resolve({ code: (error as { code?: number } | null)?.code ?? 0, stdout, stderr }),
        );
      });
    const shown = await run(["show", "flow-class", "--epochs", "3", "--set", "flow.cfgScale=2.5"]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ epochs: 3, flow: { cfgScale: 2.5 } });
    const bad = await run(["train", "flow-class", "--batch", "0", "--set", "flow.pUncond=2"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("batch: must be an integer in [1, 60000], got 0");
    expect(bad.stderr).toContain("flow.pUncond: must be a number in [0, 1], got 2");
    const model = (id: string) => path.join(root, "models", id);
    const few = await run(["evaluate", model("flow-time-d32"), "--classifier", model("classifier"), "--samples", "5"]);
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('--samples must be an integer ≥ 20, got "5"');
    // Other failures say what failed (exit code 1); the word "training" is no longer in it.
    const wrong = await run(["evaluate", model("flow-time-d32"), "--classifier", model("flow-time-d32")]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^failed: Error: .*is a flow-time, not a classifier/);
  }, 60_000);
});

describe("programmatic API", () => {
  it("a run started by a process that then crashes goes on; events stream to the end; list and artifacts see it", async () => {
    const runs = scratch();
    const index = path.join(root, "dist", "index.js");
    const script = `
      const { startRun } = await import(${JSON.stringify(index)});
      const run = startRun({ experiment: "flow-class", root: ${JSON.stringify(runs)}, threads: 1,
        overrides: { hidden: 4, epochs: 1, ...${JSON.stringify(small)} } });
      process.stdout.write(JSON.stringify(run));
      process.abort(); // the caller crashes right after starting the run
    `;
    const caller = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    caller.stdout!.on("data", (d) => {
      out += d;
    });
    await exitOf(caller);
    const started = JSON.parse(out) as { dir: string; pid: number };
    const events: RunEvent[] = [];
    for await (const event of watchRun(started.dir, { pollMs: 100 })) events.push(event);
    expect(events[0]).toMatchObject({ type: "started", pid: started.pid, totalSteps: 40 });
    expect(events.filter((e) => e.type === "step").length).toBe(40);
    expect(events.find((e) => e.type === "epoch")).toMatchObject({ epoch: 1, grid: "grids/epoch-001.png" });
    expect(events.at(-1)).toMatchObject({ type: "done", step: 40 });

    const listed = listRuns(runs);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ experiment: "flow-class", state: "done", step: 40, totalSteps: 40 });
    const art = readArtifacts(started.dir);
    expect(art.grids).toHaveLength(1);
    expect(art.card?.training.steps).toBe(40);
    expect(readFileSync(art.log!, "utf8")).toContain("done: 40 steps");
  }, 180_000);

  it("cancel stops a running run with a checkpoint; startRun({ resume }) finishes it", async () => {
    const runs = scratch();
    const started = startRun({
      experiment: "flow-time",
      root: runs,
      threads: 1,
      cliPath: cli,
      overrides: { hidden: 4, epochs: 3, ...small },
    });
    for await (const event of watchRun(started.dir, { pollMs: 100 })) if (event.type === "step") break;
    // Two callers at once (two `cancel` commands, say): one SIGINT, so the run still stops at a checkpoint.
    const first = cancelRun(started.dir);
    await new Promise((r) => setTimeout(r, 10)); // the first SIGINT is handled by now; the run is still stopping
    expect(await Promise.all([first, cancelRun(started.dir)])).toEqual(["cancelled", "cancelled"]);
    expect(readStatus(started.dir).message).toBe("stopped at a checkpoint; resume to continue");
    expect(existsSync(runPaths(started.dir).latestCheckpoint)).toBe(true);
    const step = readStatus(started.dir).step;
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(120);

    const offset = readFileSync(runPaths(started.dir).events).length;
    const resumed = startRun({ resume: started.dir, threads: 1, cliPath: cli });
    const events: RunEvent[] = [];
    for await (const event of watchRun(resumed.dir, { pollMs: 100, offset })) events.push(event);
    expect(events[0]).toMatchObject({ type: "started", resumedAtStep: step });
    expect(events.at(-1)).toMatchObject({ type: "done", step: 120 });
  }, 240_000);

  it("a child that dies before training is reported as failed, not waited on forever", async () => {
    const runs = scratch();
    const crash = path.join(runs, "crash.js");
    writeFileSync(crash, "process.exit(3);\n");
    const started = startRun({ experiment: "flow-time", root: runs, cliPath: crash });
    const events: RunEvent[] = [];
    for await (const event of watchRun(started.dir, { pollMs: 50 })) events.push(event);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "failed" });
    expect(listRuns(runs)[0]?.state).toBe("failed");
    expect(await cancelRun(started.dir)).toBe("failed");
  }, 30_000);

  it("a resumed run's watchers follow the new session, not the old final state (a slow-loading child)", async () => {
    const runs = scratch();
    const dir = createRunDir(path.join(runs, "run"), resolveConfig("flow-time"));
    const paths = runPaths(dir);
    updateStatus(dir, {
      state: "cancelled",
      pid: null,
      step: 5,
      message: "stopped at a checkpoint; resume to continue",
    });
    writeFileSync(paths.events, `${JSON.stringify({ type: "cancelled", time: "t", step: 5, checkpoint: null })}\n`);
    // Stands in for a CLI that takes 1.5 s to load, then trains one step, writing status before events as the loop does.
    const started = { type: "started", time: "t", pid: 0, experiment: "flow-time", resumedAtStep: 5, totalSteps: 6 };
    const done = { type: "done", time: "t", step: 6, finalLoss: 0.1, wallTime: 1, artifacts: [] };
    const slow = path.join(runs, "slow.js");
    writeFileSync(
      slow,
      `import { appendFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
const [status, events] = ${JSON.stringify([paths.status, paths.events])};
const update = (change) => {
  writeFileSync(status + ".tmp", JSON.stringify({ ...JSON.parse(readFileSync(status, "utf8")), ...change }));
  renameSync(status + ".tmp", status);
};
const emit = (event) => appendFileSync(events, JSON.stringify(event) + "\\n");
setTimeout(() => {
  update({ state: "running", pid: process.pid });
  emit(${JSON.stringify(started)});
  update({ state: "done", pid: null, step: 6 });
  emit(${JSON.stringify(done)});
}, 1500);
`,
    );
    const offset = readFileSync(paths.events).length;
    const resumed = startRun({ resume: dir, cliPath: slow });
    expect(readStatus(dir)).toMatchObject({ state: "created", pid: resumed.pid });
    expect(readStatus(dir).message).toBeUndefined();
    const collect = async (from: number) => {
      const types: string[] = [];
      for await (const event of watchRun(dir, { pollMs: 50, offset: from })) types.push(event.type);
      return types;
    };
    // One watcher joins after the old session, one replays the whole run: both end with the new session's `done`.
    const [fromOffset, fromStart] = await Promise.all([collect(offset), collect(0)]);
    expect(fromOffset).toEqual(["started", "done"]);
    expect(fromStart).toEqual(["cancelled", "started", "done"]);
    expect(runHasEnded(dir)).toBe(true);
  }, 30_000);

  it("a resume whose child dies before a word is reported failed to later watchers; a second resume is refused", async () => {
    const runs = scratch();
    const dir = createRunDir(path.join(runs, "run"), resolveConfig("flow-time"));
    updateStatus(dir, { state: "cancelled", pid: null, step: 5 });
    writeFileSync(
      runPaths(dir).events,
      `${JSON.stringify({ type: "cancelled", time: "t", step: 5, checkpoint: null })}\n`,
    );
    const dies = path.join(runs, "dies.js");
    writeFileSync(dies, "setTimeout(() => process.exit(3), 500);\n");
    const resumed = startRun({ resume: dir, cliPath: dies });
    // While its child loads, the run is taken: a second resume would train the same directory twice.
    expect(() => startRun({ resume: dir, cliPath: dies })).toThrow(RunBusyError);
    await until(() => !processAlive(resumed.pid));
    const types: string[] = [];
    for await (const event of watchRun(dir, { pollMs: 20 })) types.push(event.type);
    expect(types).toEqual(["cancelled", "failed"]);
  }, 30_000);

  it("a run marked failed by a waiter, with no final event written, ends its watchers with the status's reason", async () => {
    const dir = createRunDir(path.join(scratch(), "run"), resolveConfig("flow-time"));
    updateStatus(dir, { state: "failed", pid: null, step: 7, message: "the training process died" });
    const events: RunEvent[] = [];
    for await (const event of watchRun(dir, { pollMs: 10 })) events.push(event);
    expect(events).toEqual([expect.objectContaining({ type: "failed", step: 7, error: "the training process died" })]);
  });
});
