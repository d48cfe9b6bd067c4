// The job system's figures: enqueue → start latency (p50/p95) and no-op throughput, embedded (PGlite) and on
// PostgreSQL, and the default generation's time to first image through the whole path (API → queue → worker →
// store → event). Run by `pnpm bench`; prints figures, asserts nothing about speed.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, it } from "vitest";
import { loadEnv } from "@/env";
import { createServices, type Services } from "@/server/services";
import type { JobEvent } from "@/shared/jobs";
import type { Recipe } from "@/shared/recipes";
import { startPostgres, type TestPostgres } from "../test/support/postgres";

const ECHO = path.resolve(import.meta.dirname, "../test/fixtures/echo-worker.mjs");
const WORKER = path.resolve(import.meta.dirname, "../dist/worker/main.js");
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function services(extra: Record<string, string>): Promise<Services> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-web-bench-"));
  const s = await createServices(loadEnv({ DATA_DIR: dataDir, QUEUE_LIMIT: "100000", ...extra }));
  cleanups.push(async () => {
    await s.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  return s;
}

/** When each event type of a job first arrived (ms since `t0`). */
async function follow(s: Services, id: string, t0: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for await (const { event } of s.generations.events(id, {})) {
    if (!seen.has(event.type)) seen.set(event.type, performance.now() - t0);
    if (["done", "error", "cancelled"].includes((event as JobEvent).type)) break;
  }
  return seen;
}

// The stand-in executor writes a 1×1 PNG at once; seeds 1–3 steer it into failures, so these use seeds ≥ 10.
const noop: Recipe = {
  procedure: "generate",
  modelId: "flow-class-d32",
  prompts: ["a 1"],
  steps: 1,
  guidance: 1,
  seed: 10,
  batch: 1,
};

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function queueFigures(label: string, s: Services): Promise<void> {
  // Latency: one job at a time, so each waits for nothing but the queue itself.
  const latencies: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    const id = await s.generations.create({ ...noop, seed: 10 + i });
    latencies.push((await follow(s, id, t0)).get("started") ?? Number.NaN);
  }
  // Throughput: 200 no-op jobs submitted at once, until the last is done.
  const n = 200;
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: n }, (_, i) => s.generations.create({ ...noop, seed: 1000 + i })));
  await Promise.all(ids.map((id) => follow(s, id, t0)));
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${label}: enqueue → start p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms; no-op throughput ${(n / seconds).toFixed(1)} jobs/s (${n} jobs, 1 executor)`,
  );
}

it("embedded (PGlite in the portal, its own executor process)", async () => {
  await queueFigures("embedded", await services({ WORKER_SCRIPT: ECHO, ECHO_STEP_MS: "0" }));
});

it("PostgreSQL 15 (a local server; the portal's worker host on it)", async () => {
  let pg: TestPostgres;
  try {
    pg = await startPostgres();
  } catch (err) {
    console.log(`PostgreSQL: skipped (${err instanceof Error ? err.message : String(err)})`);
    return;
  }
  cleanups.push(() => pg.stop());
  await queueFigures("PostgreSQL", await services({ WORKER_SCRIPT: ECHO, DATABASE_URL: pg.url }));
});

it("default generation: time to first image through the whole path", async () => {
  const s = await services({ WORKER_SCRIPT: WORKER });
  const [model] = await s.models.list();
  if (!model) throw new Error("no embedded model");
  const recipe: Recipe = {
    procedure: "generate",
    modelId: model.info.id,
    prompts: ["a handwritten 7"],
    sampler: model.info.defaults.sampler as Extract<Recipe, { procedure: "generate" }>["sampler"],
    steps: model.info.defaults.steps,
    guidance: model.info.defaults.guidance,
    seed: 0,
    batch: 1,
  };
  const once = async (seed: number) => {
    const t0 = performance.now();
    const seen = await follow(s, await s.generations.create({ ...recipe, seed }), t0);
    return { first: seen.get("image") ?? Number.NaN, done: seen.get("done") ?? Number.NaN };
  };
  const cold = await once(0);
  const warm = await once(1);
  console.log(
    `default generation (${model.info.id}, ${model.info.defaults.sampler} ${model.info.defaults.steps} steps, γ ${recipe.guidance}, 1 image): time to first image cold ${(cold.first / 1000).toFixed(2)} s (executor start and ONNX session included), warm ${(warm.first / 1000).toFixed(2)} s; done ${(warm.done / 1000).toFixed(2)} s`,
  );
});
