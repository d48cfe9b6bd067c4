/**
 * Interleaved A/B timing of two training-step graphs (e.g. before and after a lowering change), for a shared machine
 * whose load drifts: the two sessions take turns step by step, so both see the same load, and the ratio of their
 * medians is what to read. With AB_THREADS=1 the process CPU time is printed too: on a machine loaded by other jobs
 * it moves far less than wall time. Graphs are files written by `AB_DUMP`.
 * Dump:    AB_DUMP=/tmp/a.onnx AB_D=64 BENCH_FILE=bench/ab.run.ts npx vitest run --config bench/vitest.config.ts
 * Compare: AB_A=/tmp/a.onnx AB_B=/tmp/b.onnx AB_D=64 BENCH_FILE=bench/ab.run.ts npx vitest run --config bench/vitest.config.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { it } from "vitest";
import { buildTrainingGraph } from "../src/graphs.js";
import { stepFeeds } from "./step-feeds.js";

const D = Number(process.env.AB_D ?? 64);
const B = 64;
const ROUNDS = Number(process.env.AB_STEPS ?? 10);
const THREADS = Number(process.env.AB_THREADS ?? availableParallelism());
const graph = () => buildTrainingGraph({ kind: "flow-time", D, batchSize: B });

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

it("A/B step time", async () => {
  if (process.env.AB_DUMP) {
    writeFileSync(process.env.AB_DUMP, graph().bytes);
    return;
  }
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: THREADS,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  };
  const files = [process.env.AB_A!, process.env.AB_B!];
  const sessions = await Promise.all(files.map((f) => ort.InferenceSession.create(readFileSync(f), options)));
  const input = stepFeeds(graph(), D);
  const wall: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let round = -2; round < ROUNDS; round++) {
    for (const [i, session] of sessions.entries()) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      await session.run(input);
      const used = process.cpuUsage(startCpu);
      if (round < 0) continue;
      wall[i]!.push(performance.now() - start);
      cpu[i]!.push((used.user + used.system) / 1000);
    }
  }
  const report = (what: string, times: number[][]) => {
    const [a, b] = times.map(median) as [number, number];
    console.log(
      `D=${D} threads=${THREADS} ${what}: A ${a.toFixed(0)} ms, B ${b.toFixed(0)} ms, B/A ${(b / a).toFixed(3)}`,
    );
  };
  report("wall", wall);
  if (THREADS === 1) report("cpu", cpu);
  console.log(`A ${wall[0]!.map((t) => t.toFixed(0)).join(" ")}\nB ${wall[1]!.map((t) => t.toFixed(0)).join(" ")}`);
});
