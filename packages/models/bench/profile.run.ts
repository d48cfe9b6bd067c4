/**
 * ORT profile of one training-step graph: per-op-type kernel time shares, and a roofline: the step's GEMM-like FLOPs
 * (Conv, ConvTranspose, MatMul, Gemm; not the one-hot patch Convs) against the SGEMM rate MLAS reaches on this
 * machine, i.e. the least time any lowering to ORT's kernels could spend on them.
 * Run: PROFILE_D=64 BENCH_FILE=bench/profile.run.ts npx vitest run --config bench/vitest.config.ts
 */
import { readdirSync, readFileSync, unlinkSync } from "node:fs";
import { availableParallelism } from "node:os";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { it } from "vitest";
import { GraphBuilder, serializeGraph } from "../src/graph-builder.js";
import { buildTrainingGraph } from "../src/graphs.js";
import { stepFeeds } from "./step-feeds.js";

const D = Number(process.env.PROFILE_D ?? 64);
const B = 64;
const STEPS = Number(process.env.PROFILE_STEPS ?? 5);
const WARM = 2;

type Shape = readonly number[];
const prod = (xs: Shape) => xs.reduce((a, b) => a * b, 1);

/** Multiply-adds ×2 of a GEMM-like node from the profiler's shapes; 0 for other ops and for grouped (patch) Convs. */
function gemmFlops(op: string, inputs: Shape[], outputs: Shape[]): number {
  const [x, w] = inputs;
  const [y] = outputs;
  if (!x || !w || !y) return 0;
  if (op === "Conv" && w[1] === x[1]) return 2 * prod(y) * prod(w.slice(1));
  if (op === "ConvTranspose") return 2 * prod(x) * prod(w.slice(1));
  if (op === "MatMul" || op === "FusedMatMul" || op === "Gemm") {
    // The contraction length K whatever the transposes: |x|·|w| / |y| = K² · (x's batches · w's batches / y's).
    const batches = (prod(x.slice(0, -2)) * prod(w.slice(0, -2))) / prod(y.slice(0, -2));
    return 2 * prod(y) * Math.round(Math.sqrt((prod(x) * prod(w)) / prod(y) / batches));
  }
  return 0;
}

/** Best SGEMM rate of ORT's MatMul (MLAS) on 2048² matrices with these threads, in FLOP/s. */
async function sgemmPeak(threads: number): Promise<number> {
  const n = 2048;
  const b = new GraphBuilder();
  const a = b.input("a", [n, n]);
  b.output(b.node("MatMul", [a, b.input("b", [n, n])], [n, n]), "c");
  const session = await ort.InferenceSession.create(serializeGraph(b), { intraOpNumThreads: threads });
  const m = new ort.Tensor("float32", new Float32Array(n * n).fill(0.5), [n, n]);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 16; i++) {
    const t0 = performance.now();
    await session.run({ a: m, b: m });
    if (i >= 3) best = Math.min(best, performance.now() - t0);
  }
  await session.release();
  return (2 * n ** 3) / (best / 1000);
}

it("profile", async () => {
  const g = buildTrainingGraph({ kind: "flow-time", D, batchSize: B });
  const model = onnxProto.onnx.ModelProto.decode(g.bytes);
  const graphInputs = new Set(model.graph!.input!.map((i) => i.name!));
  const inits = new Set(model.graph!.initializer!.map((i) => i.name!));
  const kind = new Map<string, string>();
  model.graph!.node!.forEach((n) => {
    if (n.opType !== "Conv" && n.opType !== "ConvTranspose") return;
    const attr = (k: string) => n.attribute!.find((a) => a.name === k);
    const group = Number(attr("group")?.i ?? 1);
    const w = n.input![1]!;
    const k = attr("kernel_shape")?.ints?.join("x");
    const s = attr("strides")?.ints?.[0];
    const role =
      group > 1
        ? "patches"
        : graphInputs.has(w)
          ? n.input!.length > 2
            ? "fwd"
            : "dX"
          : inits.has(w)
            ? "?"
            : "dX(flip)";
    kind.set(n.name!, `${role} k${k} s${s} g${group}`);
  });
  const session = await ort.InferenceSession.create(g.bytes, {
    intraOpNumThreads: Number(process.env.PROFILE_THREADS ?? availableParallelism()),
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    enableProfiling: !process.env.PROFILE_OFF,
    ...(process.env.PROFILE_LEVEL ? { graphOptimizationLevel: process.env.PROFILE_LEVEL as "all" } : {}),
    ...(process.env.PROFILE_EXTRA ? { extra: JSON.parse(process.env.PROFILE_EXTRA) } : {}),
    profileFilePrefix: `/tmp/prof/d${D}`,
  });
  const feeds = stepFeeds(g, D);
  const times: number[] = [];
  for (let s = 1; s <= STEPS; s++) {
    feeds.step = new ort.Tensor("float32", new Float32Array([s]), []);
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms`);
  if (process.env.PROFILE_OFF) return;
  session.endProfiling();
  const file = readdirSync("/tmp/prof")
    .filter((f) => f.startsWith(`d${D}_`))
    .map((f) => `/tmp/prof/${f}`)
    .sort()
    .pop()!;
  console.log("run ms", times.map((t) => t.toFixed(0)).join(" "));
  const events = JSON.parse(readFileSync(file, "utf8")) as {
    name: string;
    cat: string;
    ts: number;
    dur: number;
    args?: {
      op_name?: string;
      input_type_shape?: Record<string, Shape>[];
      output_type_shape?: Record<string, Shape>[];
    };
  }[];
  const runs = events.filter((e) => e.name === "model_run").sort((a, b) => a.ts - b.ts);
  const from = runs[WARM]!.ts;
  unlinkSync(file);
  const byOp = new Map<string, number>();
  const byNode = new Map<string, number>();
  let total = 0;
  let flops = 0;
  let gemmTime = 0;
  const shapes = (list?: Record<string, Shape>[]) => (list ?? []).map((o) => Object.values(o)[0] ?? []);
  for (const e of events) {
    if (e.cat !== "Node" || !e.name.endsWith("_kernel_time") || e.ts < from) continue;
    const op = e.args?.op_name ?? "?";
    const f = gemmFlops(op, shapes(e.args?.input_type_shape), shapes(e.args?.output_type_shape));
    flops += f;
    if (f > 0) gemmTime += e.dur;
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    const nn = e.name.replace(/_kernel_time$/, "");
    const node = `${op} ${nn} ${kind.get(nn) ?? ""}`;
    const cat = kind.get(nn)?.split(" ")[0];
    if (cat) byOp.set(`${op}:${cat}`, (byOp.get(`${op}:${cat}`) ?? 0) + e.dur);
    byNode.set(node, (byNode.get(node) ?? 0) + e.dur);
    total += e.dur;
  }
  const perStep = (us: number) => (us / (STEPS - WARM) / 1000).toFixed(1);
  console.log(`kernel total ${perStep(total)} ms/step`);
  const steps = STEPS - WARM;
  const peak = await sgemmPeak(availableParallelism());
  const stepFlops = flops / steps;
  console.log(
    `GEMM-like work ${(stepFlops / 1e9).toFixed(1)} GFLOP/step in ${perStep(gemmTime)} ms ` +
      `(${(stepFlops / (gemmTime / steps / 1e6) / 1e9).toFixed(0)} GFLOP/s); MLAS SGEMM peak here ` +
      `${(peak / 1e9).toFixed(0)} GFLOP/s → floor ${((stepFlops / peak) * 1000).toFixed(0)} ms/step for that work alone`,
  );
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]))
    console.log(`${op.padEnd(24)} ${perStep(us).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %`);
  console.log("top nodes:");
  for (const [n, us] of [...byNode].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 40)))
    console.log(`${perStep(us).padStart(8)} ms  ${n}`);
});
