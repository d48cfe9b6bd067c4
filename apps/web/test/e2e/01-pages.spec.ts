import { expect, test } from "@playwright/test";
import { SECTION_PAGES, screenshot } from "./support";

for (const p of SECTION_PAGES) {
  test(`${p.name} page renders on a fresh data directory`, async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    // The status bar is filled from the tRPC API.
    await expect(page.getByTestId("server-status")).toContainText("PGlite");
    await page.waitForLoadState("networkidle");
    await screenshot(page, `empty-${p.name}`);
    expect(errors).toEqual([]);
  });
}

test("offers the embedded default models on first start", async ({ page }) => {
  await page.goto("/prompts");
  const picker = page.getByLabel("Model");
  await expect(picker).toHaveValue("flow-class-d64");
  // Options are labelled with each model's own name; their values are the ids recipes use.
  const ids = await picker
    .locator("option")
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(ids).toEqual(expect.arrayContaining(["flow-class-d64", "flow-class-d32", "flow-time-d32", "flow-time-d64"]));
  await expect(picker.locator("option").first()).toContainText("(default)");
  await expect(page.getByText("No model available")).toHaveCount(0);
});
