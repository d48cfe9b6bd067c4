import fs from "node:fs/promises";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import sharp from "sharp";
import { DESKTOP, PHONE, pngText, SCREENSHOTS, screenshot } from "./support";

// Parameter grids (X/Y plot): a 3×3 γ × steps grid on the embedded default model, its download, and bad axes.
test.describe.configure({ mode: "serial" });

/** Desktop and phone screenshots of what the page shows now; the phone must not scroll sideways. */
async function both(page: Page, name: string) {
  await screenshot(page, name);
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "horizontal scrolling at 390 px").toBeLessThanOrEqual(0);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

/** Fills the grid form: a prompt and seed, then the two axes. */
async function fillGrid(page: Page, x: [string, string], y: [string, string] | undefined) {
  await page.goto("/lab/grid");
  // The first models.list reads every embedded model: slow on a busy machine.
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 90_000 });
  // The model's defaults arrive with it; fill in after them.
  await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue("a handwritten 7");
  await page.getByLabel("Prompt", { exact: true }).fill("a handwritten 3");
  await page.getByLabel("Seed").fill("7");
  await page.getByLabel("X axis (columns)").selectOption(x[0]);
  await page.getByLabel("X values").fill(x[1]);
  await page.getByLabel("Y axis (rows)").selectOption(y?.[0] ?? "");
  if (y) await page.getByLabel("Y values").fill(y[1]);
}

test("a 3×3 γ × steps grid fills in with labelled axes and downloads as one PNG carrying its recipe", async ({
  page,
}) => {
  await fillGrid(page, ["guidance", "0, 2, 5"], ["steps", "4, 8, 16"]);
  await expect(page.getByTestId("grid-size")).toContainText("3 × 3 = 9 cells");
  await page.getByRole("button", { name: "Run grid" }).click();
  // Nine jobs are checked and queued in one transaction: slow on a busy machine.
  await expect(page.getByTestId("grid-cell")).toHaveCount(9, { timeout: 60_000 });
  await expect(page).toHaveURL(/\/lab\/grid\?grid=[0-9a-f-]{36}$/);
  await expect(page.getByTestId("grid")).toHaveAttribute("data-complete", "true", { timeout: 150_000 });
  await expect(page.locator('[data-testid="grid-cell"][data-status="done"]')).toHaveCount(9);
  await expect(page.getByTestId("grid-col-label")).toHaveText(["CFG γ 0", "CFG γ 2", "CFG γ 5"]);
  await expect(page.getByTestId("grid-row-label")).toHaveText(["Steps 4", "Steps 8", "Steps 16"]);
  await expect(page.getByTestId("grid-cell").locator("img")).toHaveCount(9);
  // The cells are generations of their own, kept out of the galleries' history.
  await expect(page.getByText("Recent grids")).toBeVisible();
  await both(page, "grid");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download grid" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("grid-3-guidance-x-steps-flow-class-d64.png");
  const png = await fs.readFile((await download.path())!);
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await fs.writeFile(path.join(SCREENSHOTS, "grid-download.png"), png);
  const meta = await sharp(png).metadata();
  // Three 112 px tiles across (MNIST's 28² at 4×) beside the row labels, three rows under the title and x labels.
  expect(meta.width).toBeGreaterThan(3 * 112 + 60);
  expect(meta.height).toBeGreaterThan(3 * 112 + 40);
  const text = pngText(png);
  const recipe = JSON.parse(text["diffusion-studio:recipe"]!);
  expect(recipe.recipe).toMatchObject({
    procedure: "generate",
    modelId: "flow-class-d64",
    prompts: ["a handwritten 3"],
    // The form starts on the model's own measured sampler, as every other form does.
    sampler: "flow-dpm-solver",
    seed: 7,
    batch: 1,
  });
  expect(recipe.grid).toEqual({
    format: "diffusion-studio/grid@1",
    axes: { x: { param: "guidance", values: [0, 2, 5] }, y: { param: "steps", values: [4, 8, 16] } },
  });
  expect(recipe.image).toMatchObject({ width: meta.width, height: meta.height, seed: 7 });
  expect(text.parameters).toMatch(
    /^a handwritten 3\n.*Seed: 7, .*Model: flow-class-d64, .*Script: X\/Y plot, X Type: CFG scale, X Values: "0, 2, 5", Y Type: Steps, Y Values: "4, 8, 16"$/,
  );
});

test("bad axis values get a clear error naming the field and the allowed range; nothing runs", async ({
  page,
  request,
}) => {
  await fillGrid(page, ["guidance", "-1, 3"], ["steps", "4, 8"]);
  await page.getByRole("button", { name: "Run grid" }).click();
  await expect(
    page.getByText("x.values: -1 is not allowed (guidance: CFG γ must be a number between 0 and 30)"),
  ).toBeVisible();
  await page.getByLabel("X values").fill("1, 3, 5");
  await page.getByLabel("Y values").fill(Array.from({ length: 22 }, (_, i) => i + 1).join(", "));
  await expect(page.getByTestId("grid-size")).toContainText("3 × 22 = 66 cells");
  await page.getByRole("button", { name: "Run grid" }).click();
  await expect(page.getByText("y.values: 3 × 22 = 66 cells; a grid holds at most 64")).toBeVisible();
  await page.getByLabel("Y values").fill("4, eight");
  await page.getByRole("button", { name: "Run grid" }).click();
  await expect(page.getByText("y.values: 'eight' is not a number")).toBeVisible();
  await expect(page).not.toHaveURL(/grid=/);
  await both(page, "grid-errors");

  // The API answers the same, before anything is queued.
  const res = await request.post("/api/trpc/grids.create", {
    data: {
      procedure: "generate",
      modelId: "flow-class-d64",
      prompts: ["a handwritten 3"],
      steps: 8,
      guidance: 5,
      seed: 0,
      batch: 1,
      x: { param: "steps", values: [4, 2000] },
    },
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toBe(
    "x.values: 2000 is not allowed (steps: must be a whole number between 1 and 1000)",
  );
});
