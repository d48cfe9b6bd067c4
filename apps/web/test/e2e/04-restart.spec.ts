import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writeTestModel } from "../support/model";
import { pngBuffer, screenshot, startPortal, stop } from "./support";

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
      await fetch(`${portal.url}/api/uploads`, {
        method: "POST",
        headers: { "content-type": "image/png" },
        body: new Uint8Array(await pngBuffer()),
      })
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
    // A training run long enough to still be going when the portal stops: a job of the portal's own worker host.
    ({ id: runId } = await mutate<{ id: string }>(portal.url, "training.start", {
      experiment: "flow-class",
      overrides: {
        epochs: 1,
        trainExamples: 8192,
        hidden: 4,
        batch: 16,
        logEvery: 8,
        checkpointEvery: 64,
        "flow.sampleSteps": 2,
      },
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
    expect(["queued", "running"]).toContain(before.status.state);
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

    // The training run is taken up again by the restarted portal (from its last checkpoint) and finishes.
    await expect
      .poll(
        async () =>
          (await query<{ status: { state: string } }>(portal.url, "training.get", { id: runId })).status.state,
        // The interrupted attempt's heartbeat must expire (10 s) before the restarted portal retries it.
        { timeout: 240_000 },
      )
      .toBe("done");
    const run = await query<{ status: { step: number }; hasModel: boolean }>(portal.url, "training.get", { id: runId });
    expect(run).toMatchObject({ status: { step: 512 }, hasModel: true });
  } finally {
    await stop(portal.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
