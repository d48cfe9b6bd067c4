import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { screenshot, startPortal, stop } from "./support";

/** The committed stand-in export (random weights: the pictures are noise, the page around them must be right). */
const FIXTURES = path.resolve(import.meta.dirname, "../../../../packages/models/test/fixtures/deepfloyd");

test("DEEPFLOYD_DIR adds DeepFloyd IF: a stored prompt generates RGB images, upscaled with stage II", async ({
  page,
}) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-if-"));
  const portal = await startPortal({ DATA_DIR: dataDir, DEEPFLOYD_DIR: FIXTURES });
  try {
    await page.goto(`${portal.url}/`);
    await expect(page.getByRole("cell", { name: /^DeepFloyd IF/ })).toBeVisible();
    await expect(page.getByTestId("model-problem")).toHaveCount(0);

    await page.goto(`${portal.url}/prompts`);
    // Configured DeepFloyd comes first, so the picker chooses it.
    await expect(page.getByLabel("Model")).toHaveValue("deepfloyd-if");
    const picker = page.getByTestId("prompt-picker");
    await expect(picker.getByRole("button", { name: "a high quality photo", exact: true })).toBeVisible();
    await expect(picker.getByRole("button", { name: "a lithograph of waterfalls", exact: true })).toBeVisible();
    await expect(page.getByLabel("Steps")).toHaveValue("34");
    await expect(page.getByLabel("CFG γ")).toHaveValue("7");

    await page.getByRole("button", { name: "clear prompts" }).click();
    await picker.getByRole("button", { name: "a high quality photo", exact: true }).click();
    await expect(page.getByLabel("Prompts")).toHaveValue("a high quality photo");
    await page.getByLabel("Images per prompt").fill("2");
    await page.getByLabel("Seed").fill("180");
    await page.getByLabel(/Upscale with stage II/).check();
    await page.getByLabel("Stage II steps").fill("4");
    await page.getByRole("button", { name: "Generate", exact: true }).click();

    const running = page.getByTestId("job-progress").first();
    await expect(running).toHaveAttribute("data-state", "done", { timeout: 60_000 });
    const images = running.getByTestId("job-images").locator("img");
    await expect(images).toHaveCount(4);
    // Stage I at the manifest's size (16² for the stand-in, 64² for IF-I-*), then stage II (64², 256² for IF-II-*).
    await expect
      .poll(() => images.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)))
      .toEqual([16, 16, 64, 64]);
    // Shown enlarged, with crisp pixels.
    const shown = await images.first().evaluate((i) => ({
      width: i.getBoundingClientRect().width,
      rendering: getComputedStyle(i).imageRendering,
    }));
    expect(shown.width).toBeGreaterThanOrEqual(96);
    expect(shown.rendering).toBe("pixelated");
    await expect(running.getByText("a high quality photo #1 (64×64)")).toBeVisible();

    // Saved in the history with its recipe, the upscale included.
    const card = page.getByTestId("generation-card").first();
    await expect(card).toHaveAttribute("data-status", "done");
    await expect(card.getByText("4 steps, γ 4")).toBeVisible();
    await screenshot(page, "deepfloyd-prompts");

    // The course's test-image workflow: a wide photo, centre-cropped to the model's square RGB size for SDEdit.
    await page.goto(`${portal.url}/edits`);
    await expect(page.getByLabel("Model")).toHaveValue("deepfloyd-if");
    await page.getByRole("tab", { name: "Upload an image" }).click();
    const photo = await sharp({ create: { width: 90, height: 60, channels: 3, background: "#2050d0" } })
      .composite([
        { input: Buffer.from('<svg width="90" height="60"><circle cx="45" cy="30" r="22" fill="#f0c020"/></svg>') },
      ])
      .jpeg()
      .toBuffer();
    await page.getByTestId("file-input").setInputFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: photo });
    await expect(page.getByAltText("uploaded source")).toBeVisible();
    await page.getByLabel("Noise levels (i_start)").fill("10, 20");
    await page.getByRole("button", { name: "Run the sweep" }).click();
    const sweep = page.getByTestId("job-progress").first();
    await expect(sweep).toHaveAttribute("data-state", "done", { timeout: 60_000 });
    await expect
      .poll(() =>
        sweep
          .getByTestId("job-images")
          .locator("img")
          .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)),
      )
      .toEqual([16, 16, 16]);
    await screenshot(page, "deepfloyd-edits");
  } finally {
    await stop(portal.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});

test("a DEEPFLOYD_DIR without an export is reported on the home page, and the portal keeps working", async ({
  page,
}) => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-if-bad-"));
  const portal = await startPortal({ DATA_DIR: dataDir, DEEPFLOYD_DIR: path.join(dataDir, "no-export-here") });
  try {
    await page.goto(`${portal.url}/`);
    const problem = page.getByTestId("model-problem");
    await expect(problem).toContainText("DeepFloyd IF (DEEPFLOYD_DIR=");
    await expect(problem).toContainText("manifest.json not found");
    // The embedded models are still offered.
    await expect(page.getByRole("cell", { name: /^flow-class/ }).first()).toBeVisible();
    await screenshot(page, "deepfloyd-bad-dir");
  } finally {
    await stop(portal.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
