import fs from "node:fs/promises";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { drawStroke, pngBuffer, pngText, runAndWait, screenshotBoth } from "./support";

// Recipes that travel with the image, recall and send-to, a searchable history with undo. One story, in order.
test.describe.configure({ mode: "serial" });

/** Drops a file on the page the way a file manager does. */
async function dropFile(page: Page, name: string, bytes: Buffer) {
  await page.evaluate(
    ({ name, b64 }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type: "image/png" }));
      for (const type of ["dragenter", "dragover", "drop"]) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { name, b64: bytes.toString("base64") },
  );
}

async function imageBytes(page: Page, card: Locator, n = 0): Promise<Buffer> {
  const src = await card.locator("figure img").nth(n).getAttribute("src");
  return Buffer.from(await (await page.request.get(src!)).body());
}

let firstId = "";

test("generate → download → drop the PNG back → the form holds the recipe → run → same bytes", async ({ page }) => {
  await page.goto("/prompts");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  await page.getByLabel("Prompts").fill("a handwritten 7");
  await page.getByLabel("Images per prompt").fill("1");
  await page.getByLabel("Steps").fill("12");
  await page.getByLabel("Seed").fill("3117");
  const card = await runAndWait(page, "Generate");
  firstId = (await card.getAttribute("data-id"))!;
  const original = await imageBytes(page, card);

  // Open it full size and download it: the file name says what it is, the PNG carries the recipe.
  await card.getByTestId("result-image").first().click();
  const viewer = page.getByTestId("image-viewer");
  await expect(viewer).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    viewer.getByRole("link", { name: /^Download / }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("7-seed3117-flow-class-d64.png");
  const file = await fs.readFile((await download.path())!);
  expect(file.equals(original)).toBe(true);
  const text = pngText(file);
  const meta = JSON.parse(text["diffusion-studio:recipe"]!);
  expect(meta.recipe).toEqual({
    procedure: "generate",
    modelId: "flow-class-d64",
    prompts: ["a handwritten 7"],
    steps: 12,
    // The form sends the model's default sampler (flow-class-d64's sweep picked DPM-Solver++(2M)); it is pinned.
    sampler: "flow-dpm-solver",
    guidance: 5,
    seed: 3117,
    batch: 1,
  });
  expect(meta.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(text.parameters).toMatch(
    /^a handwritten 7\nSteps: 12, Sampler: flow-dpm-solver, CFG scale: 5, Seed: 3117, Size: 28x28, Model: flow-class-d64, Model hash: [0-9a-f]{10}/,
  );
  await screenshotBoth(page, "recipe-viewer");
  await viewer.getByRole("button", { name: "Close" }).click();

  // The zip and the contact sheet of the whole generation.
  const zip = await page.request.get(`/api/generations/${firstId}/download?format=zip`);
  expect(zip.headers()["content-disposition"]).toContain('filename="7-seed3117-flow-class-d64.zip"');
  const sheet = await page.request.get(`/api/generations/${firstId}/download?format=sheet`);
  expect(JSON.parse(pngText(Buffer.from(await sheet.body()))["diffusion-studio:recipe"]!).recipe.seed).toBe(3117);

  const before = await page.getByTestId("generation-card").count();
  // Drop the PNG on another page: the Prompts form opens with the same recipe, and nothing runs.
  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toBeVisible();
  await dropFile(page, download.suggestedFilename(), file);
  await expect(page).toHaveURL(/\/prompts$/);
  await expect(page.getByTestId("recall-message")).toContainText("7-seed3117-flow-class-d64.png");
  await expect(page.getByLabel("Prompts")).toHaveValue("a handwritten 7");
  await expect(page.getByLabel("Steps")).toHaveValue("12");
  await expect(page.getByLabel("Seed")).toHaveValue("3117");
  await expect(page.getByLabel("CFG γ")).toHaveValue("5");
  await expect(page.getByLabel("Images per prompt")).toHaveValue("1");
  const cards = page.getByTestId("generation-card");
  await expect(cards).toHaveCount(before);
  await screenshotBoth(page, "recipe-recalled");

  // Run it: the same bytes, recipe chunk included.
  const again = await runAndWait(page, "Generate");
  expect((await imageBytes(page, again)).equals(original)).toBe(true);
});

test("a PNG without a recipe is still usable as a source, with a note", async ({ page }) => {
  await page.goto("/prompts");
  await expect(page.getByLabel("Model")).toBeVisible();
  await dropFile(page, "photo.png", await pngBuffer());
  await expect(page).toHaveURL(/\/edits$/);
  await expect(page.getByTestId("recall-message")).toContainText("carries no recipe");
  await expect(page.getByTestId("source-note")).toContainText("photo.png");
  await expect(page.getByAltText("uploaded source")).toBeVisible();
});

test("send a result to Edits and inpaint it", async ({ page }) => {
  await page.goto("/prompts");
  const card = page.locator(`[data-testid="generation-card"][data-id="${firstId}"]`);
  await card.getByTestId("result-image").first().click();
  await page.getByTestId("image-viewer").getByRole("button", { name: "Use as source: Inpaint" }).click();
  await expect(page).toHaveURL(/\/edits\?mode=inpaint$/);
  await expect(page.getByRole("tab", { name: "Inpainting" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("source-note")).toContainText("a handwritten 7 #1");
  await expect(page.getByAltText("uploaded source")).toBeVisible();
  const mask = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200);
  await drawStroke(page, "mask canvas", [
    [0.1, 0.5],
    [0.9, 0.5],
  ]);
  await mask;
  const edited = await runAndWait(page, "Inpaint");
  await expect(edited.locator("figure img")).toHaveCount(3);
  await expect(edited.getByText("inpainted", { exact: true })).toBeVisible();
  await screenshotBoth(page, "recipe-send-to-inpaint");

  // "Edit recipe" loads the inpainting back into its form (its source included).
  await edited.getByRole("button", { name: "Edit recipe" }).click();
  await expect(page.getByRole("tab", { name: "Inpainting" })).toHaveAttribute("aria-selected", "true");
});

test("history search finds a generation by prompt and seed", async ({ page }) => {
  await page.goto("/prompts");
  // The model's defaults are filled in once the model list is there; fill the form after that.
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  await page.getByLabel("Prompts").fill("a handwritten 2");
  await page.getByLabel("Images per prompt").fill("1");
  await page.getByLabel("Steps").fill("4");
  await page.getByLabel("Seed").fill("4242");
  const two = await runAndWait(page, "Generate");
  const twoId = await two.getAttribute("data-id");
  const cards = page.getByTestId("generation-card");

  const search = page.getByTestId("history-search");
  await search.getByPlaceholder("Prompt text").fill("handwritten 2");
  await search.getByPlaceholder("Seed").fill("4242");
  await search.getByRole("button", { name: "Search" }).click();
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toHaveAttribute("data-id", twoId!);
  await screenshotBoth(page, "recipe-history-search");

  await search.getByPlaceholder("Prompt text").fill("handwritten 7");
  await search.getByPlaceholder("Seed").fill("3117");
  await search.getByRole("button", { name: "Search" }).click();
  await expect(cards).toHaveCount(2);
  await search.getByPlaceholder("Seed").fill("999999");
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("history-empty")).toBeVisible();
  await search.getByRole("button", { name: "Clear" }).click();
  await expect(cards.first()).toHaveAttribute("data-id", twoId!);
});

test("delete asks first and can be undone", async ({ page }) => {
  await page.goto("/prompts");
  const cards = page.getByTestId("generation-card");
  await expect(cards.first()).toBeVisible();
  const count = await cards.count();
  const id = await cards.first().getAttribute("data-id");
  // Dismissing the confirmation keeps it.
  page.once("dialog", (d) => d.dismiss());
  await cards.first().getByRole("button", { name: "Delete" }).click();
  await expect(cards).toHaveCount(count);
  page.once("dialog", (d) => d.accept());
  await cards.first().getByRole("button", { name: "Delete" }).click();
  await expect(cards).toHaveCount(count - 1);
  await expect(page.locator(`[data-id="${id}"]`)).toHaveCount(0);
  const toast = page.getByTestId("undo-toast");
  await expect(toast).toBeVisible();
  await screenshotBoth(page, "recipe-undo-delete");
  await toast.getByRole("button", { name: "Undo" }).click();
  await expect(cards).toHaveCount(count);
  await expect(page.locator(`[data-testid="generation-card"][data-id="${id}"]`)).toBeVisible();

  // The shared page is read-only.
  await page.goto(`/g/${id}`);
  await expect(page.getByTestId("generation-card")).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Re-run" })).toHaveCount(0);
  await screenshotBoth(page, "recipe-shared-read-only");
});
