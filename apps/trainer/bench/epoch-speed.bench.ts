/**
 * Seconds per epoch of `flow-time` at D=64 (batch 64, 937 steps an epoch) through the whole training loop — data,
 * noise, the ONNX Runtime step, metrics — beside the same step in PyTorch on the same machine when Python with torch
 * is importable (tooling/torch-fixtures/bench_torch.py). Per-step medians are multiplied by the steps of an epoch.
 * Run: pnpm --filter @diffusion-studio/trainer bench   (BENCH_STEPS, BENCH_THREADS, BENCH_HIDDEN override)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import { batchesPerEpoch } from "../src/data/batches.js";
import { runPaths } from "../src/run/layout.js";
import { readMetrics } from "../src/run/metrics.js";
import { createRunDir } from "../src/run/run-dir.js";
import { runTraining } from "../src/train/run.js";

const STEPS = Number(process.env.BENCH_STEPS ?? 12);
const WARMUP = 3;
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const D = Number(process.env.BENCH_HIDDEN ?? 64);
const torchDir = fileURLToPath(new URL("../../../tooling/torch-fixtures/", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const middle = s[Math.floor(s.length / 2)];
  if (middle === undefined) throw new Error("median of no values");
  return middle;
}

function pythonWithTorch(): string | null {
  // The same places the models package's bench looks: BENCH_PYTHON, the repository's .venv, then python3.
  const venv = fileURLToPath(new URL("../../../.venv/bin/python", import.meta.url));
  for (const candidate of [process.env.BENCH_PYTHON, venv, "python3"]) {
    if (!candidate || (candidate.startsWith("/") && !existsSync(candidate))) continue;
    try {
      execFileSync(candidate, ["-c", "import torch"], { stdio: "ignore" });
      return candidate;
    } catch {}
  }
  return null;
}

it(`seconds per epoch, flow-time D=${D} batch 64`, async () => {
  const config = resolveConfig("flow-time", { hidden: D });
  const perEpoch = batchesPerEpoch(config.trainExamples, { batchSize: config.batch, dropLast: config.dropLast });
  const dir = createRunDir(path.join(mkdtempSync(path.join(tmpdir(), "trainer-bench-")), "flow-time"), config);
  await runTraining({ dir, threads: THREADS, stopAtStep: WARMUP + STEPS });
  const wall = readMetrics(runPaths(dir).metrics).map((m) => m.wallTime);
  const perStep = median(wall.slice(WARMUP).map((w, i) => w - wall[WARMUP + i - 1]!));
  let line =
    `flow-time D=${D} B=64 threads=${THREADS}: trainer (ONNX Runtime) ${perStep.toFixed(3)} s/step → ` +
    `${((perStep * perEpoch) / 60).toFixed(1)} min/epoch (${perEpoch} steps, median of ${STEPS} steps)`;
  const py = pythonWithTorch();
  if (py && existsSync(path.join(torchDir, "bench_torch.py"))) {
    const out = execFileSync(py, ["bench_torch.py", String(D), "64", String(STEPS), String(THREADS)], {
      cwd: torchDir,
      encoding: "utf8",
    });
    // bench_torch.py prints one JSON line: the median and best seconds per step.
    const torch = JSON.parse(out.trim().split("\n").pop()!) as { median: number; torch: string };
    const pt = torch.median;
    line +=
      ` | PyTorch ${torch.torch} ${pt.toFixed(3)} s/step → ${((pt * perEpoch) / 60).toFixed(1)} min/epoch` +
      ` | ratio ${(perStep / pt).toFixed(2)}×`;
  } else line += " | PyTorch: not available (no Python with torch)";
  console.log(`\n${line}\n`);
});
