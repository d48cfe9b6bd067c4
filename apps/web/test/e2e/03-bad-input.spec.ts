import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { writeTestModel } from "../support/model";
import { screenshot } from "./support";

const MODEL = "e2e-test-flow";

// A small exported model in the portal's MODELS_DIR, so these tests need nothing from earlier files.
test.beforeAll(async () => {
  await writeTestModel(process.env.E2E_MODELS_DIR!, MODEL);
});

const png = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: "#808080" } })
    .png()
    .toBuffer();

test("out-of-range γ and steps get field messages in the form", async ({ page }) => {
  await page.goto(`/prompts?model=${MODEL}`);
  await expect(page.getByLabel("Model")).toHaveValue(MODEL);
  await page.getByLabel("CFG γ").fill("99");
  await page.getByLabel("Steps").fill("5000");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(page.getByText("guidance: CFG γ must be a number between 0 and 30")).toBeVisible();
  await expect(page.getByText("steps: must be a whole number between 1 and 1000")).toBeVisible();
  await screenshot(page, "bad-input-form");
});

test("out-of-range i_start gets a message naming the field", async ({ page }) => {
  await page.goto(`/edits?model=${MODEL}`);
  await expect(page.getByLabel("Model")).toHaveValue(MODEL);
  await page.getByLabel("Noise levels (i_start)").fill("1, 3, 2000");
  await page.getByRole("button", { name: "Run the sweep", exact: true }).click();
  await expect(page.getByText("iStarts: each must be a whole number between 0 and 999")).toBeVisible();
});

test("an edit runs on the source the user sees: switching back to an empty sketch leaves no image", async ({
  page,
}) => {
  await page.goto(`/edits?model=${MODEL}`);
  await expect(page.getByLabel("Model")).toHaveValue(MODEL);
  await page.getByRole("tab", { name: "Upload an image" }).click();
  const uploaded = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200);
  await page
    .getByTestId("file-input")
    .setInputFiles({ name: "grey.png", mimeType: "image/png", buffer: await png(28, 28) });
  await uploaded;
  await expect(page.getByAltText("uploaded source")).toBeVisible();
  await page.getByRole("tab", { name: "Draw a sketch" }).click();
  await page.getByRole("button", { name: "Run the sweep", exact: true }).click();
  await expect(page.getByText("image: upload an image first")).toBeVisible();
  // Back on the upload tab, the upload is still there and is the source again.
  await page.getByRole("tab", { name: "Upload an image" }).click();
  await expect(page.getByAltText("uploaded source")).toBeVisible();
});

test("an empty hybrid prompt is named under its field", async ({ page }) => {
  await page.goto(`/illusions?model=${MODEL}`);
  await page.getByRole("tab", { name: "Hybrid images" }).click();
  // The model's defaults fill the prompts once its description has loaded (its badges show); clear the field after.
  await expect(page.getByText("class-conditioned", { exact: true })).toBeVisible();
  await page.getByLabel("Seen from afar (low frequencies)").fill("");
  await page.getByRole("button", { name: "Make the hybrid", exact: true }).click();
  await expect(page.getByText("lowPrompt: must not be empty")).toBeVisible();
});

test("an unknown model in a shared link gets the API's NOT_FOUND message", async ({ page }) => {
  await page.goto("/prompts?model=no-such-model");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "modelId: unknown model 'no-such-model'" })).toBeVisible();
});

test("a non-image upload and a 50 MB upload are refused with clear messages", async ({ page }) => {
  await page.goto("/edits");
  await page.getByRole("tab", { name: "Upload an image" }).click();
  await page.getByTestId("file-input").setInputFiles({
    name: "notes.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7 this is not an image"),
  });
  await expect(page.getByText("file: not an image we can decode")).toBeVisible();
  const huge = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "ds-e2e-upload-")), "huge.png");
  await fs.writeFile(huge, Buffer.alloc(50 * 1024 * 1024, 7));
  await page.getByTestId("file-input").setInputFiles(huge);
  await expect(page.getByText("file: larger than the upload limit of 8 MB")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "bad-input-upload");
});

test("the API answers bad input with typed errors", async ({ request }) => {
  const notImage = await request.post("/api/uploads", { data: Buffer.from("hello") });
  expect(notImage.status()).toBe(415);
  expect((await notImage.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");

  const huge = await request.post("/api/uploads", { data: Buffer.alloc(50 * 1024 * 1024) });
  expect(huge.status()).toBe(413);
  expect((await huge.json()).error).toEqual({
    code: "PAYLOAD_TOO_LARGE",
    message: "file: larger than the upload limit of 8 MB",
  });

  const gen = await request.post("/api/trpc/generations.create", {
    data: { procedure: "generate", modelId: "m", prompts: ["a 1"], steps: 10, guidance: 99, seed: 0, batch: 1 },
  });
  expect(gen.status()).toBe(400);
  const body = await gen.json();
  expect(body.error.data.code).toBe("BAD_REQUEST");
  expect(body.error.message).toBe("guidance: CFG γ must be a number between 0 and 30");

  // A mask whose size differs from the image's.
  const image = await (await request.post("/api/uploads", { data: await png(28, 28) })).json();
  const mask = await (await request.post("/api/uploads", { data: await png(32, 28) })).json();
  const unknown = await request.post("/api/trpc/generations.create", {
    data: { procedure: "generate", modelId: "nope", prompts: ["a 1"], steps: 10, guidance: 5, seed: 0, batch: 1 },
  });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.message).toBe("modelId: unknown model 'nope'");

  const inpaint = await request.post("/api/trpc/generations.create", {
    data: {
      procedure: "inpaint",
      modelId: MODEL,
      imageId: image.id,
      maskId: mask.id,
      prompt: "a handwritten 3",
      steps: 5,
      guidance: 5,
      seed: 0,
    },
  });
  expect(inpaint.status()).toBe(400);
  expect((await inpaint.json()).error.message).toBe("maskId: the mask is 32×28 but the image is 28×28");
});
