import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "@playwright/test";

const APP_DIR = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  log(): string;
}

/** Starts `pnpm worker`'s entry point (dist/worker/cli.js) as its own process, like a GPU box would. */
export async function startWorker(name: string, env: Record<string, string>): Promise<WorkerProcess> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `ds-worker-${name}-`));
  const child = spawn(process.execPath, ["dist/worker/cli.js"], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      WORKER_NAME: name,
      WORKER_DATA_DIR: dataDir,
      WORKER_GENERATIONS: "1",
      WORKER_TRAININGS: "1",
      INFERENCE_THREADS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  return { name, child, log: () => output };
}

export async function stopWorker(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = new Promise((r) => w.child.once("exit", r));
  w.child.kill("SIGTERM");
  await exited;
}

export async function mutate<T>(url: string, procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body.error?.message ?? body)}`);
  return body.result.data as T;
}

export async function query<T>(url: string, procedure: string, input?: unknown): Promise<T> {
  const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${url}/api/trpc/${procedure}${q}`);
  const body = await res.json();
  if (!res.ok) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body.error?.message ?? body)}`);
  return body.result.data as T;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface Generation {
  id: string;
  status: string;
  images: { url: string }[];
}

/** Waits for generations to end and returns them. */
export async function finishAll(url: string, ids: readonly string[], timeoutMs: number): Promise<Generation[]> {
  return until(
    `${ids.length} generations to finish`,
    async () => {
      const all = await Promise.all(ids.map((id) => query<Generation>(url, "generations.get", { id })));
      return all.every((g) => ["done", "error", "cancelled"].includes(g.status)) ? all : undefined;
    },
    timeoutMs,
  );
}

/** The bytes of each image of a generation, as the portal serves them. */
export async function imageBytes(url: string, g: Generation): Promise<string[]> {
  return Promise.all(
    g.images.map(async (i) => Buffer.from(await (await fetch(`${url}${i.url}`)).arrayBuffer()).toString("base64")),
  );
}

/** Recipes long enough that a worker is caught in the middle of one; seeds make each different. */
export const recipes = (count: number) =>
  Array.from({ length: count }, (_, seed) => ({
    procedure: "generate",
    modelId: "flow-class-d32",
    prompts: [`a handwritten ${seed % 10}`, `a handwritten ${(seed + 3) % 10}`],
    steps: 120,
    guidance: 5,
    seed,
    batch: 2,
  }));

/** A training run small enough for a test that checkpoints often (so a resume starts from a checkpoint). */
export const SMALL_RUN = {
  experiment: "flow-class",
  overrides: {
    epochs: 4,
    trainExamples: 1024,
    batch: 64,
    hidden: 8,
    logEvery: 1,
    checkpointEvery: 8,
    "flow.sampleSteps": 4,
  },
};

export function expectNoDuplicates(values: readonly string[]): void {
  expect(new Set(values).size).toBe(values.length);
}
