import fs from "node:fs/promises";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { writeTestModel } from "../support/model";
import { screenshot } from "./support";

const MODEL = "e2e-workers-vanishing";

/** A tRPC mutation over HTTP, as a script would call it; returns the data. */
async function mutate<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, { data: input });
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

async function generationStatus(request: APIRequestContext, id: string): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ id }));
  const res = await request.get(`/api/trpc/generations.get?input=${input}`);
  return ((await res.json()) as { result: { data: { status: string } } }).result.data.status;
}

test("the Workers page shows the portal's own worker live, with its device queues", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/workers");
  await expect(page.getByRole("heading", { level: 1, name: "Workers" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Workers" })).toBeVisible();
  await expect(page.getByTestId("queue-row")).toHaveCount(4);
  // A worker host shows from its first heartbeat (pg-boss records instances every 30 s); the page polls.
  const worker = page.getByTestId("worker");
  await expect(worker).toHaveCount(1, { timeout: 60_000 });
  await expect(worker).toHaveAttribute("data-live", "true");
  await expect(worker).toHaveAttribute("data-name", /^portal@/);
  const queues = (await worker.getByTestId("worker-queue").allTextContents()).sort();
  expect(queues).toEqual([
    expect.stringMatching(/^generate-cpu \d+\/\d+ busy$/),
    expect.stringMatching(/^train-cpu \d+\/1 busy$/),
  ]);
  await expect(worker).toContainText(/Last heartbeat (just now|\d+ s ago|\d+ min ago)/);
  await screenshot(page, "workers");
  expect(errors).toEqual([]);
});

test("a generation that failed every attempt is a dead letter; Retry sends it back and it finishes", async ({
  page,
  request,
}) => {
  const file = await writeTestModel(process.env.E2E_MODELS_DIR!, MODEL);
  const recipe = { procedure: "generate", prompts: ["a handwritten 7"], guidance: 5, seed: 0 };
  // The worker's generation slot is kept busy while the model file disappears from under the next job.
  const blocker = await mutate<{ id: string }>(request, "generations.create", {
    ...recipe,
    modelId: "flow-class-d64",
    steps: 1000,
    batch: 16,
  });
  const target = await mutate<{ id: string }>(request, "generations.create", {
    ...recipe,
    modelId: MODEL,
    steps: 2,
    batch: 1,
  });
  const bytes = await fs.readFile(file);
  await fs.rm(file);
  await mutate(request, "generations.cancel", { id: blocker.id });

  await page.goto("/workers");
  const letter = page.getByTestId("dead-letter").filter({ hasText: target.id });
  // Three attempts with a 1 s, then 2 s backoff.
  await expect(letter).toBeVisible({ timeout: 60_000 });
  await expect(letter).toContainText("does not exist on this worker");
  await expect(letter).toContainText("generate-cpu");
  await screenshot(page, "workers-dead-letter");

  await fs.writeFile(file, bytes);
  await letter.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByText("Sent back to its queue")).toBeVisible();
  await expect(letter).toHaveCount(0);
  await expect.poll(() => generationStatus(request, target.id), { timeout: 60_000 }).toBe("done");
});
