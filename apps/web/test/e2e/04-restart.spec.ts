import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writeTestModel } from "../support/model";
import { pngBuffer, screenshot } from "./support";

const APP_DIR = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = createRequire(import.meta.url).resolve("next/dist/bin/next");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the built portal on its own port and data directory, like `pnpm start` does. */
async function startPortal(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: APP_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/trpc/system.status`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the portal did not start");
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** POSTs a tRPC mutation and returns its data. */
async function mutate<T>(url: string, procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${url}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return (await res.json()).result.data as T;
}

async function query<T>(url: string, procedure: string, input: unknown): Promise<T> {
  const q = encodeURIComponent(JSON.stringify(input));
  return (await (await fetch(`${url}/api/trpc/${procedure}?input=${q}`)).json()).result.data as T;
}

test("a restarted portal still has its generations, uploads, images and training runs", async ({ page }) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-restart-"));
  const modelsDir = path.join(dataDir, "configured-models");
  await writeTestModel(modelsDir, "test-flow-class");
  const env = { DATA_DIR: dataDir, MODELS_DIR: modelsDir };

  let portal = await startPortal(env);
  let generationId: string;
  let runId: string;
  try {
    const upload = await (
      await fetch(`${portal.url}/api/uploads`, { method: "POST", body: new Uint8Array(await pngBuffer()) })
    ).json();
    const res = await fetch(`${portal.url}/api/trpc/generations.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        procedure: "sdedit",
        modelId: "test-flow-class",
        imageId: upload.id,
        prompt: "a handwritten 5",
        iStarts: [1, 3],
        steps: 5,
        guidance: 5,
        seed: 9,
      }),
    });
    generationId = (await res.json()).result.data.id;
    // A training run long enough to still be going when the portal stops: it is a detached process.
    ({ id: runId } = await mutate<{ id: string }>(portal.url, "training.start", {
      experiment: "flow-class",
      overrides: { epochs: 2, trainExamples: 8192, hidden: 4, batch: 16, logEvery: 8, "flow.sampleSteps": 2 },
    }));
    await expect
      .poll(
        async () => {
          const q = encodeURIComponent(JSON.stringify({ id: generationId }));
          return (await (await fetch(`${portal.url}/api/trpc/generations.get?input=${q}`)).json()).result.data.status;
        },
        { timeout: 30_000 },
      )
      .toBe("done");
    const before = await query<{ status: { state: string; step: number } }>(portal.url, "training.get", { id: runId });
    expect(["created", "running"]).toContain(before.status.state);
  } finally {
    await stop(portal.child);
  }

  portal = await startPortal(env);
  try {
    await page.goto(`${portal.url}/g/${generationId}`);
    const card = page.getByTestId("generation-card");
    await expect(card).toHaveAttribute("data-status", "done");
    await expect(card.getByText("i_start = 3", { exact: true })).toBeVisible();
    // Every picture still loads from the data directory.
    await expect
      .poll(() => card.locator("img").evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)))
      .toEqual([28, 28, 28]);
    await page.goto(`${portal.url}/edits`);
    await expect(page.getByTestId("generation-card")).toHaveCount(1);
    await screenshot(page, "after-restart");

    // The training run went on without the portal and finished; the restarted portal shows its result.
    await expect
      .poll(
        async () =>
          (await query<{ status: { state: string } }>(portal.url, "training.get", { id: runId })).status.state,
        {
          timeout: 120_000,
        },
      )
      .toBe("done");
    const run = await query<{ status: { step: number }; hasModel: boolean }>(portal.url, "training.get", { id: runId });
    expect(run).toMatchObject({ status: { step: 1024 }, hasModel: true });
  } finally {
    await stop(portal.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
