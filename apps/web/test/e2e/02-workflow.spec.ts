import { expect, type Page, test } from "@playwright/test";
import { drawStroke, screenshot } from "./support";

// One story, in order: train a small model and promote it, then use the embedded default model on every page.
test.describe.configure({ mode: "serial" });

/** Waits for the upload a canvas stroke triggers. */
async function strokeAndUpload(page: Page, label: string, points: [number, number][]) {
  const uploaded = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200);
  await drawStroke(page, label, points);
  await uploaded;
}

/** Submits the form and waits for its new history card to finish with `count` labelled images. */
async function runAndExpect(page: Page, button: string, count: number) {
  const cards = page.getByTestId("generation-card");
  const before = await cards.count();
  await page.getByRole("button", { name: button, exact: true }).click();
  await expect(cards).toHaveCount(before + 1, { timeout: 30_000 });
  const newest = cards.first();
  // Pin the card by its id: the list re-sorts when later jobs arrive.
  const card = page.locator(`[data-testid="generation-card"][data-id="${await newest.getAttribute("data-id")}"]`);
  await expect(card).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  // Result tiles only (the anagram's animation and the hybrid's two scales are figures with test ids).
  await expect(card.locator("figure:not([data-testid]) img")).toHaveCount(count);
  return card;
}

/** Launches a small flow-class run (D = 8, a loss point per step) from the dashboard; returns its detail panel. */
async function launchFlowClassRun(page: Page, run: { epochs: number; examples: number; sampleSteps: number }) {
  await page.goto("/training");
  await page.getByLabel("Experiment").selectOption("flow-class");
  await page.getByLabel("Epochs").fill(String(run.epochs));
  await page.getByLabel("Training examples").fill(String(run.examples));
  await page.getByLabel("Hidden width D").fill("8");
  await page.getByLabel("More overrides").fill(`logEvery=1\nflow.sampleSteps=${run.sampleSteps}`);
  await page.getByRole("button", { name: "Start training" }).click();
  return page.getByTestId("run-detail");
}

test("launch a short training run, watch its loss and grid update, and promote it", async ({ page }) => {
  const detail = await launchFlowClassRun(page, { epochs: 3, examples: 256, sampleSteps: 8 });
  await expect(detail).toBeVisible();
  // The loss curve and the first grid appear while the run is still going.
  await expect(detail.getByTestId("line-chart").locator("canvas")).toBeVisible({ timeout: 90_000 });
  await expect(detail.getByTestId("latest-grid")).toContainText("epoch 1", { timeout: 90_000 });
  await expect(detail).toHaveAttribute("data-state", "done", { timeout: 120_000 });
  await expect(detail.getByTestId("latest-grid")).toContainText("epoch 3");
  await page.getByRole("button", { name: "Promote to galleries" }).click();
  await expect(page.getByText("Promoted", { exact: true })).toBeVisible();
  await screenshot(page, "training");
});

test("cancel a run from the dashboard, then resume it to the end", async ({ page }) => {
  const detail = await launchFlowClassRun(page, { epochs: 10, examples: 1024, sampleSteps: 4 });
  await expect(detail).toHaveAttribute("data-state", "running", { timeout: 60_000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(detail).toHaveAttribute("data-state", "cancelled", { timeout: 60_000 });
  await page.getByRole("button", { name: "Resume" }).click();
  // The page follows the resumed session live, to its last grid.
  await expect(detail).toHaveAttribute("data-state", "done", { timeout: 120_000 });
  await expect(detail.getByTestId("latest-grid")).toContainText("epoch 10");
  await expect(detail).toContainText("step 160/160");
});

test("generate digits from a prompt; results are saved, re-runnable and shareable", async ({ page }) => {
  await page.goto("/prompts");
  // The embedded class-conditioned flow model is the default on a fresh portal.
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  // Its measured few-step default (15-samplers.spec.ts checks which).
  await expect(page.getByLabel("Steps")).not.toHaveValue("");
  await page.getByLabel("Prompts").fill("a handwritten 7\na handwritten 2");
  await page.getByLabel("Images per prompt").fill("4");
  const card = await runAndExpect(page, "Generate", 8);
  // The live panel streamed the same eight pictures.
  await expect(page.getByTestId("job-images").first().locator("img")).toHaveCount(8);
  await expect(card).toContainText("a handwritten 7 #1");

  // Re-run: same recipe, new job, same pictures.
  await card.getByRole("button", { name: "Re-run", exact: true }).click();
  const rerun = card.getByTestId("rerun");
  await expect(rerun.getByTestId("job-progress")).toHaveAttribute("data-state", "done", { timeout: 90_000 });
  await expect(rerun.locator("figure img")).toHaveCount(8);
  await screenshot(page, "prompts");

  // The share link opens the saved result with its recipe.
  await card.getByRole("link", { name: "Open" }).click();
  await expect(page.getByRole("heading", { name: "Shared result" })).toBeVisible();
  await expect(page.getByTestId("generation-card").locator("figure img")).toHaveCount(8);
  await expect(page.getByTestId("generation-card")).toContainText("a handwritten 7 · a handwritten 2");
});

test("cancel a generation, then cancel the next one too", async ({ page }) => {
  await page.goto("/prompts");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  await page.getByLabel("Prompts").fill("a handwritten 5");
  await page.getByLabel("Steps").fill("1000");
  await page.getByLabel("Images per prompt").fill("16");
  const live = page.getByTestId("job-progress").first();
  for (let round = 0; round < 2; round++) {
    await page.getByRole("button", { name: "Generate", exact: true }).click();
    await expect(live).toHaveAttribute("data-state", "running", { timeout: 30_000 });
    // The panel outlives a job: the next job's Cancel must not inherit the last one's "Cancelling…".
    await live.getByRole("button", { name: "Cancel", exact: true }).click();
    await expect(live).toHaveAttribute("data-state", "cancelled", { timeout: 30_000 });
  }
});

test("draw a sketch and run the SDEdit sweep", async ({ page }) => {
  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toBeVisible();
  await strokeAndUpload(page, "sketch canvas", [
    [0.35, 0.2],
    [0.65, 0.2],
    [0.45, 0.8],
  ]);
  const card = await runAndExpect(page, "Run the sweep", 7);
  for (const label of ["source", "i_start = 1", "i_start = 20"])
    await expect(card.getByText(label, { exact: true })).toBeVisible();
  await screenshot(page, "edits");
});

test("inpaint with a painted mask", async ({ page }) => {
  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toBeVisible();
  await page.getByRole("tab", { name: "Inpainting" }).click();
  await strokeAndUpload(page, "sketch canvas", [
    [0.5, 0.15],
    [0.5, 0.85],
  ]);
  await strokeAndUpload(page, "mask canvas", [
    [0.2, 0.5],
    [0.8, 0.5],
  ]);
  const card = await runAndExpect(page, "Inpaint", 3);
  await expect(card.getByText("inpainted", { exact: true })).toBeVisible();
  await screenshot(page, "inpaint");
});

test("make a flip anagram and see it animate between views", async ({ page }) => {
  await page.goto("/illusions");
  await expect(page.getByLabel("Model")).toBeVisible();
  await page.getByLabel("view 2").selectOption("flip");
  const card = await runAndExpect(page, "Make the anagram", 2);
  await expect(card.getByText("flip: a handwritten 9")).toBeVisible();
  await expect(card.getByTestId("view-animation")).toBeVisible();
  await screenshot(page, "illusions");
});

test("make a hybrid image, shown up close and from afar", async ({ page }) => {
  await page.goto("/illusions");
  await expect(page.getByLabel("Model")).toBeVisible();
  await page.getByRole("tab", { name: "Hybrid images" }).click();
  const card = await runAndExpect(page, "Make the hybrid", 1);
  await expect(card.getByTestId("hybrid-scales")).toContainText("from afar");
  await screenshot(page, "hybrid");
});

test("the lab shows the forward process and CFG on and off", async ({ page }) => {
  await page.goto("/lab");
  await expect(page.getByLabel("Model")).toBeVisible();
  await strokeAndUpload(page, "sketch canvas", [
    [0.3, 0.3],
    [0.7, 0.7],
  ]);
  const card = await runAndExpect(page, "Run", 4);
  await expect(card.getByText("t = 750", { exact: true })).toBeVisible();

  await page.getByRole("tab", { name: "CFG on / off" }).click();
  const cfg = await runAndExpect(page, "Run", 8);
  await expect(cfg.getByText("no CFG #1", { exact: true })).toBeVisible();
  await expect(cfg.getByText("γ = 5 #1", { exact: true })).toBeVisible();
  await screenshot(page, "lab");
});
