/**
 * Training step time of the time-conditioned UNet (flow matching, batch 64) at D=32 and D=64: ONNX Runtime (this
 * package) against the same step in PyTorch (tooling/torch-fixtures/bench_torch.py) when a Python with torch is found.
 * The two take turns step by step, so both see the same load on a shared machine; the ratio of their medians is the
 * figure to read (issue 14's targets: ≤ 1.3× at D=32, ≤ 1.15× at D=64). Each step includes building its batch.
 * Run: pnpm --filter @diffusion-studio/models bench   (BENCH_STEPS, BENCH_THREADS, BENCH_PYTHON override the defaults;
 * BENCH_PYTHON=none times ORT only)
 */
import { availableParallelism, loadavg } from "node:os";
import { mulberry32 } from "@diffusion-studio/core";
import { it } from "vitest";
import { createNodeRuntime, createTrainer } from "../src/node.js";
import { readMnist } from "../test/mnist.js";
import { PYTHON_CANDIDATES, pythonWithTorch, TorchStepper } from "./torch-stepper.js";

const BATCH = 64;
const WARMUP = 3;
const STEPS = Number(process.env.BENCH_STEPS ?? 8);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const TARGET: Record<number, number> = { 32: 1.3, 64: 1.15 };

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A flow-time trainer whose `step()` trains on a fresh MNIST flow-matching batch and returns its seconds. */
async function ortStepper(D: number) {
  const mnist = readMnist("train", 4096);
  const random = mulberry32(0);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const runtime = createNodeRuntime({ threads: THREADS });
  const trainer = await createTrainer({ kind: "flow-time", D, batchSize: BATCH, lr: 1e-2, runtime });
  const step = async () => {
    const start = performance.now();
    const x = new Float32Array(BATCH * 784);
    const target = new Float32Array(BATCH * 784);
    const t = new Float32Array(BATCH);
    for (let i = 0; i < BATCH; i++) {
      const img = Math.floor(random() * mnist.count);
      t[i] = random();
      for (let p = 0; p < 784; p++) {
        const x1 = mnist.images[img * 784 + p]!;
        const x0 = gauss();
        x[i * 784 + p] = (1 - t[i]!) * x0 + t[i]! * x1;
        target[i * 784 + p] = x1 - x0;
      }
    }
    await trainer.step({ x, t, target });
    return (performance.now() - start) / 1000;
  };
  return { step, dispose: () => trainer.dispose() };
}

const seconds = (s: number) => `${s.toFixed(3)} s/step (${(BATCH / s).toFixed(0)} img/s)`;

/** One line for width D: ORT's median step and, with PyTorch, its median and the ratio against the target. */
async function benchWidth(D: number, python: string | null): Promise<string> {
  const ort = await ortStepper(D);
  const torch = python ? await TorchStepper.start(python, D, BATCH, THREADS) : null;
  const ortTimes: number[] = [];
  const torchTimes: number[] = [];
  try {
    for (let round = 0; round < WARMUP + STEPS; round++) {
      const o = await ort.step();
      const p = torch ? await torch.step() : 0;
      if (round < WARMUP) continue;
      ortTimes.push(o);
      torchTimes.push(p);
    }
  } finally {
    ort.dispose();
    torch?.close();
  }
  const ortMedian = median(ortTimes);
  let line = `D=${D}: ORT ${seconds(ortMedian)}`;
  if (!torch) return `${line} | PyTorch: not measured`;
  const ratio = ortMedian / median(torchTimes);
  const verdict = ratio <= TARGET[D]! ? "met" : "missed";
  line += ` | PyTorch ${torch.version} ${seconds(median(torchTimes))}`;
  return `${line} | ORT/PyTorch ${ratio.toFixed(2)}× (target ≤ ${TARGET[D]!.toFixed(2)}×: ${verdict})`;
}

it("training step time, ORT vs PyTorch, flow-time UNet, batch 64", async () => {
  const python = pythonWithTorch();
  const load = () => loadavg()[0]!.toFixed(1);
  const header = [
    `training step, flow-time UNet, batch ${BATCH}, ${THREADS} threads, median of ${STEPS} steps after ${WARMUP}` +
      " warm-up steps, ORT and PyTorch taking turns",
    `load average at start: ${load()} on ${availableParallelism()} cores (absolute times move with it; the ratio less)`,
  ];
  if (python && loadavg()[0]! >= availableParallelism() && THREADS > 1) {
    header.push(
      "the machine is loaded: PyTorch's OpenMP threads suffer most from that; BENCH_THREADS=1 gives a steadier ratio",
    );
  }
  if (process.env.BENCH_PYTHON === "none") header.push("PyTorch: skipped (BENCH_PYTHON=none); ORT only.");
  else if (!python) {
    header.push(
      `PyTorch: NOT INSTALLED — no Python that can import torch (tried ${PYTHON_CANDIDATES.join(", ")}); ORT only.` +
        " Compare with: python -m venv .venv && .venv/bin/pip install -r tooling/torch-fixtures/requirements.txt",
    );
  }
  console.log(header.join("\n"));
  const rows: string[] = [];
  for (const D of [32, 64]) {
    rows.push(await benchWidth(D, python));
    console.log(rows.at(-1));
  }
  console.log(`\n${[...header, ...rows, `load average at end: ${load()}`].join("\n")}\n`);
});
