import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type APIRequestContext, expect, type Locator, type Page, test } from "@playwright/test";
import { pngBuffer, screenshot, screenshotBoth } from "./support";

// Waiting feedback (queue position, progress from the first step, an SDEdit sweep level by level, one live view per
// job), the unconditional model's form, the training form's estimate, and the typed API client example.
// Generous timeouts: several jobs run one after another on a shared 2-core machine.
test.describe.configure({ mode: "serial", timeout: 600_000 });

const APP_DIR = path.resolve(import.meta.dirname, "../..");

/** A long generation straight through the API (the portal runs one at a time, so it holds the worker). */
async function longJob(request: APIRequestContext): Promise<string> {
  const res = await request.post("/api/trpc/generations.create", {
    data: {
      procedure: "generate",
      modelId: "flow-class-d64",
      prompts: ["a handwritten 1"],
      steps: 1000,
      guidance: 5,
      seed: 0,
      batch: 16,
    },
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { result: { data: { id: string } } }).result.data.id;
}

async function cancel(request: APIRequestContext, id: string): Promise<void> {
  expect((await request.post("/api/trpc/generations.cancel", { data: { id } })).status()).toBe(200);
}

/** The live panel's step line and its results' labels, read at one instant. */
function snapshot(live: Locator) {
  return live.evaluate((el) => ({
    state: el.getAttribute("data-state"),
    step: el.querySelector('[data-testid="job-step"]')?.textContent ?? "",
    labels: [...el.querySelectorAll('[data-testid="job-images"] figure')].map((f) => f.textContent ?? ""),
  }));
}

async function uploadSource(page: Page) {
  await page.getByRole("tab", { name: "Upload an image" }).click();
  const uploaded = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200);
  await page
    .getByTestId("file-input")
    .setInputFiles({ name: "source.png", mimeType: "image/png", buffer: await pngBuffer() });
  await uploaded;
}

test("a waiting generation says its place in the queue, then its progress from the first step, shown once", async ({
  page,
}) => {
  const { request } = page;
  await page.goto("/prompts");
  // The first page of a fresh portal waits for its model list (slow on a loaded machine).
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 120_000 });
  // One job runs, one waits: the form's job is 2nd in the queue.
  const running = await longJob(request);
  const waiting = await longJob(request);
  await page.getByLabel("Prompts").fill("a handwritten 5");
  await page.getByLabel("Steps").fill("1000");
  await page.getByLabel("Images per prompt").fill("16");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const live = page.getByTestId("job-progress").first();
  await expect(live.getByTestId("job-state")).toHaveText("2nd in queue", { timeout: 120_000 });
  await screenshot(page, "feedback-queue");

  // The jobs ahead go: it moves up, then starts, and reports its very first step (1000 steps: the next report is
  // step 100, so "step 1/1000" stays on screen for a while).
  await cancel(request, running);
  await expect(live.getByTestId("job-state")).toHaveText("1st in queue", { timeout: 120_000 });
  await cancel(request, waiting);
  await expect(live.getByTestId("job-step")).toContainText("step 1/1000", { timeout: 120_000 });
  // Live progress once: the history card of the same job leaves it to the panel.
  await expect(page.getByTestId("progress-elsewhere")).toHaveCount(1);
  await expect(page.getByTestId("job-progress")).toHaveCount(1);
  await screenshot(page, "feedback-first-step");
  await live.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(live).toHaveAttribute("data-state", "cancelled", { timeout: 120_000 });
});

test("an SDEdit sweep says which level runs and shows each level's result as it finishes", async ({ page }) => {
  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 120_000 });
  await uploadSource(page);
  await page.getByLabel("Steps").fill("400");
  await page.getByLabel("Noise levels (i_start)").fill("0, 200");
  await page.getByRole("button", { name: "Run the sweep" }).click();
  const live = page.getByTestId("job-progress").first();
  await expect(live.getByTestId("job-step")).toContainText("level 1 of 2, i_start = 0 · step", { timeout: 120_000 });
  // While level 2 runs, level 1's result is already there.
  const seen: Awaited<ReturnType<typeof snapshot>>[] = [];
  let shot = false;
  await expect
    .poll(
      async () => {
        const s = await snapshot(live);
        seen.push(s);
        const midway =
          s.step.includes("level 2 of 2, i_start = 200") && s.labels.some((l) => l.includes("i_start = 0"));
        if (midway && !shot) {
          shot = true;
          await screenshot(page, "feedback-sdedit-level");
        }
        return midway || s.state === "done";
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBe(true);
  expect(
    seen.some((s) => s.step.includes("level 2 of 2, i_start = 200") && s.labels.some((l) => l.includes("i_start = 0"))),
    `snapshots: ${JSON.stringify(seen.slice(-5))}`,
  ).toBe(true);
  await expect(live).toHaveAttribute("data-state", "done", { timeout: 120_000 });
  await expect(live.getByTestId("job-images").locator("figure")).toHaveCount(3);
});

test("an unconditional model's forms take no prompt and no γ, and its images carry no prompt", async ({ page }) => {
  await page.goto("/prompts?model=flow-time-d32");
  await expect(page.getByLabel("Model")).toHaveValue("flow-time-d32", { timeout: 120_000 });
  await expect(page.getByTestId("no-prompt")).toContainText("unconditional: it takes no prompt");
  await expect(page.getByLabel("Prompts")).toHaveCount(0);
  await expect(page.getByLabel("CFG γ")).toHaveCount(0);
  await page.getByLabel("Images", { exact: true }).fill("2");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const live = page.getByTestId("job-progress").first();
  await expect(live).toHaveAttribute("data-state", "done", { timeout: 300_000 });
  await expect(live.getByTestId("job-images")).toContainText("sample #1");
  await expect(live.getByTestId("job-images")).not.toContainText("handwritten");
  const card = page.getByTestId("generation-card").first();
  await expect(card).toHaveAttribute("data-status", "done", { timeout: 120_000 });
  await expect(card).not.toContainText("handwritten");
  await expect(card).not.toContainText("prompts");
  await screenshotBoth(page, "feedback-unconditional");

  await page.goto("/edits?model=flow-time-d32");
  await expect(page.getByLabel("Model")).toHaveValue("flow-time-d32");
  await expect(page.getByTestId("no-prompt")).toBeVisible();
  await expect(page.getByLabel("Prompt", { exact: true })).toHaveCount(0);
});

test("the training form shows steps, estimated time and memory, and refuses a run over the memory limit", async ({
  page,
}) => {
  await page.goto("/training");
  await page.getByLabel("Experiment").selectOption("flow-class");
  const estimate = page.getByTestId("run-estimate");
  await expect(estimate.getByTestId("run-steps")).toHaveText(/^[\d,]+$/);
  await expect(estimate.getByTestId("run-time")).toHaveText(/^≈ \d/);
  await expect(estimate.getByTestId("run-time-basis")).toContainText(/img\/s, measured training flow-class-d\d+/);
  await expect(estimate).toContainText("allowed per run");
  await expect(page.getByRole("button", { name: "Start training" })).toBeEnabled();
  await screenshotBoth(page, "feedback-training-estimate");

  await page.getByLabel("Batch size").fill("2048");
  await page.getByLabel("Hidden width D").fill("64");
  await expect(estimate).toContainText("too large", { timeout: 120_000 });
  await expect(page.getByRole("button", { name: "Start training" })).toBeDisabled();
});

test("the typed API client example runs as the web README says", async ({ baseURL }) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-example-"));
  try {
    const out = path.join(dir, "seven.png");
    const { stdout } = await promisify(execFile)(process.execPath, ["examples/generate.mjs", out], {
      cwd: APP_DIR,
      env: { ...process.env, PORTAL_URL: baseURL },
      timeout: 300_000,
    });
    expect(stdout).toMatch(/^generation [0-9a-f-]{36} on [\w-]+\nsaved .*seven\.png \(/);
    const png = await fs.readFile(out);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // It carries its recipe.
    expect(png.includes(Buffer.from("diffusion-studio:recipe"))).toBe(true);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
