/**
 * Training throughput of the time-conditioned UNet (flow matching, batch 64) at D=32 and D=64: ONNX Runtime (this
 * package) and, when Python with torch is available, the same step in PyTorch on the same machine, one after the other.
 * Prints the median step and the best step (the less contention-sensitive figure on a shared machine).
 * Run: pnpm --filter @diffusion-studio/models bench   (BENCH_STEPS, BENCH_THREADS override the defaults)
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "@diffusion-studio/core";
import { it } from "vitest";
import { createNodeRuntime, createTrainer } from "../src/node.js";
import { readMnist } from "../test/mnist.js";

const BATCH = 64;
const STEPS = Number(process.env.BENCH_STEPS ?? 8);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const torchDir = fileURLToPath(new URL("../../../tooling/torch-fixtures/", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function python(): string | null {
  for (const candidate of ["/work/pyenv/bin/python", "python3"]) {
    try {
      if (candidate.startsWith("/") && !existsSync(candidate)) continue;
      execFileSync(candidate, ["-c", "import torch"], { stdio: "ignore" });
      return candidate;
    } catch {}
  }
  return null;
}

interface Timing {
  readonly median: number;
  readonly best: number;
}

async function ortSecondsPerStep(D: number): Promise<Timing> {
  const mnist = readMnist("train", 4096);
  const random = mulberry32(0);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const trainer = await createTrainer({
    kind: "flow-time",
    D,
    batchSize: BATCH,
    lr: 1e-2,
    runtime: createNodeRuntime({ threads: THREADS }),
  });
  const times: number[] = [];
  for (let step = 0; step < STEPS + 3; step++) {
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
    if (step >= 3) times.push((performance.now() - start) / 1000);
  }
  trainer.dispose();
  return { median: median(times), best: Math.min(...times) };
}

it("training throughput, flow-time UNet, batch 64", async () => {
  const py = python();
  const rows: string[] = [];
  for (const D of [32, 64]) {
    const ort = await ortSecondsPerStep(D);
    const fmt = (t: Timing) =>
      `${t.median.toFixed(3)} s/step = ${(BATCH / t.median).toFixed(1)} img/s (best step ${t.best.toFixed(3)} s)`;
    let line = `D=${D} B=${BATCH} threads=${THREADS}: ORT ${fmt(ort)}`;
    if (py) {
      const out = execFileSync(py, ["bench_torch.py", String(D), String(BATCH), String(STEPS), String(THREADS)], {
        cwd: torchDir,
        encoding: "utf8",
      });
      const torch = JSON.parse(out.trim().split("\n").pop()!) as { median: number; best: number; torch: string };
      line += ` | PyTorch ${torch.torch} ${fmt(torch)}`;
      line += ` | ORT/PyTorch time: median ${(ort.median / torch.median).toFixed(2)}×, best ${(ort.best / torch.best).toFixed(2)}×`;
    } else line += " | PyTorch: not available (no python with torch)";
    rows.push(line);
    console.log(line);
  }
  console.log(`\n${rows.join("\n")}`);
});
