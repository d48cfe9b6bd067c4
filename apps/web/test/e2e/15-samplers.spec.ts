import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { runAndWait, screenshot } from "./support";

// The default model's measured default, as `evaluate --sweep` recorded it beside its ONNX file.
const CARD = path.resolve(import.meta.dirname, "../../../trainer/models/flow-class-d64/model-card.json");
const { sampling } = JSON.parse(readFileSync(CARD, "utf8")) as { sampling: { sampler: string; steps: number } };

/** Submits the form and waits for its new history card to finish with `count` images. */
async function runAndExpect(page: Page, button: string, count: number) {
  const card = await runAndWait(page, button);
  await expect(card.locator("figure:not([data-testid]) img")).toHaveCount(count);
  return card;
}

test("the default model generates with its measured few-step sampler", async ({ page }) => {
  await page.goto("/prompts");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  await expect(page.getByLabel("Model")).toContainText("(default)");
  await expect(page.getByLabel("Sampler")).toHaveValue(sampling.sampler);
  await expect(page.getByLabel("Steps")).toHaveValue(String(sampling.steps));
  await page.getByLabel("Prompts").fill("a handwritten 3\na handwritten 8");
  await page.getByLabel("Images per prompt").fill("4");
  const card = await runAndExpect(page, "Generate", 8);
  await expect(card).toContainText(sampling.sampler);
  await screenshot(page, "samplers-default");
});

test("the Lab compares the model's samplers on one seed, labelled with their evaluations", async ({ page }) => {
  await page.goto("/lab");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  await page.getByRole("tab", { name: "Samplers" }).click();
  await expect(page.getByLabel("flow-euler steps")).toHaveValue("50");
  await expect(page.getByLabel(`${sampling.sampler} steps`)).toHaveValue(String(sampling.steps));
  await page.getByLabel("Prompt", { exact: true }).fill("a handwritten 4");
  const card = await runAndExpect(page, "Run", 3);
  // Heun fits the most steps whose 2N − 1 evaluations fit the budget.
  const heun = 2 * Math.floor((sampling.steps + 1) / 2) - 1;
  for (const label of ["flow-euler · 50 NFE", `flow-heun · ${heun} NFE`, `flow-dpm-solver · ${sampling.steps} NFE`]) {
    await expect(card.getByText(label, { exact: true })).toBeVisible();
  }
  await screenshot(page, "lab-samplers");
});
