import fs from "node:fs/promises";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import sharp from "sharp";
import { drawStroke, screenshot } from "./support";

/**
 * "Run in this browser": the embedded default model runs in headless chromium (--disable-gpu, so wasm), its results
 * join the server's history with their recipe, and the same recipe on the server gives the same pictures to within
 * float rounding. Measured numbers go to test-results/browser-parity.json.
 */
test.describe.configure({ mode: "serial" });

/** Every request the page makes from now on. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  return urls;
}

async function trpcGet<T>(page: Page, name: string, input: unknown): Promise<T> {
  const res = await page.request.get(`/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()).result.data as T;
}

interface Generation {
  id: string;
  status: string;
  recipe: Record<string, unknown>;
  images: { url: string; label: string }[];
  ranIn: { where: string; backend: string; threads: number } | null;
}

/** Grey pixels of a stored image. */
async function pixels(page: Page, url: string): Promise<Buffer> {
  const res = await page.request.get(url);
  expect(res.ok()).toBe(true);
  return sharp(await res.body())
    .greyscale()
    .raw()
    .toBuffer();
}

/** Runs the recipe on the server (generations.create) and waits for it to finish. */
async function runOnServer(page: Page, recipe: Record<string, unknown>): Promise<Generation> {
  const res = await page.request.post("/api/trpc/generations.create", { data: recipe });
  expect(res.ok(), await res.text()).toBe(true);
  const { id } = (await res.json()).result.data as { id: string };
  const deadline = Date.now() + 150_000;
  for (;;) {
    const g = await trpcGet<Generation>(page, "generations.get", { id });
    if (g.status === "done") return g;
    expect(["queued", "running"]).toContain(g.status);
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts a browser run from the form and waits until its result is saved; returns the saved generation. */
async function runInBrowser(page: Page, button: string, count: number): Promise<Generation> {
  await page.getByTestId("run-in-browser").check();
  await page.getByRole("button", { name: button, exact: true }).click();
  const progress = page.getByTestId("browser-progress");
  await expect(progress).toHaveAttribute("data-state", /loading|running/);
  // Progress as for server jobs: a step counter (an SDEdit sweep names its level first: "level 1 of 6, i_start = 1 · step 3/49") and x_t / x̂0 previews while it runs.
  await expect(progress.getByText(/(^|· )step \d+\/\d+$/)).toBeVisible({ timeout: 60_000 });
  await expect(progress).toHaveAttribute("data-state", "done", { timeout: 150_000 });
  await expect(progress.getByTestId("browser-images").locator("img")).toHaveCount(count);
  // Headless chromium with --disable-gpu has no WebGPU adapter: wasm ran, threaded (the portal is cross-origin isolated).
  await expect(progress.getByTestId("browser-backend")).toContainText(/wasm · \d+ threads?/);
  const card = page.locator('[data-testid="generation-card"][data-ran-in="browser"]').first();
  await expect(card).toHaveAttribute("data-status", "done", { timeout: 20_000 });
  await expect(card.locator("figure:not([data-testid]) img")).toHaveCount(count);
  const g = await trpcGet<Generation>(page, "generations.get", { id: await card.getAttribute("data-id") });
  expect(g.ranIn).toMatchObject({ where: "browser", backend: "wasm" });
  return g;
}

async function record(key: string, value: unknown) {
  const file = path.resolve(import.meta.dirname, "../../test-results/browser-parity.json");
  const before = await fs
    .readFile(file, "utf8")
    .then((t) => JSON.parse(t) as Record<string, unknown>)
    .catch(() => ({}));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify({ ...before, [key]: value }, null, 2)}\n`);
}

/** Largest per-pixel difference (in 1/255 steps) between two generations' images, image by image. */
async function maxDifference(page: Page, a: Generation, b: Generation): Promise<{ max: number; mean: number }> {
  expect(a.images.map((i) => i.label)).toEqual(b.images.map((i) => i.label));
  let max = 0;
  let sum = 0;
  let n = 0;
  for (const [k, image] of a.images.entries()) {
    const [pa, pb] = await Promise.all([pixels(page, image.url), pixels(page, b.images[k]!.url)]);
    expect(pa.length).toBe(pb.length);
    for (let i = 0; i < pa.length; i++) {
      const d = Math.abs(pa[i]! - pb[i]!);
      max = Math.max(max, d);
      sum += d;
      n++;
    }
  }
  return { max, mean: sum / n };
}

test("generate 4 digits in the browser (wasm): progress, saved in history with its recipe, same pictures as the server, no request beyond the portal", async ({
  page,
  baseURL,
}) => {
  await page.goto("/prompts");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64");
  await page.getByLabel("Prompts").fill("a handwritten 7");
  await page.getByLabel("Images per prompt").fill("4");
  const requests = recordRequests(page);
  const browser = await runInBrowser(page, "Generate", 4);
  // The form starts at the model's measured default: DPM-Solver++(2M), 8 steps.
  expect(browser.recipe).toMatchObject({
    procedure: "generate",
    modelId: "flow-class-d64",
    batch: 4,
    steps: 8,
    sampler: "flow-dpm-solver",
  });

  // The network log: the model file, ORT's wasm and the API, all from the portal itself.
  const origin = new URL(baseURL!).origin;
  const foreign = requests.filter((u) => new URL(u).origin !== origin);
  expect(foreign).toEqual([]);
  expect(requests.some((u) => u.includes("/api/models/flow-class-d64/model.onnx"))).toBe(true);
  expect(requests.some((u) => u.includes("/ort/") && u.endsWith(".wasm"))).toBe(true);
  await screenshot(page, "prompts-browser");

  const server = await runOnServer(page, browser.recipe);
  const diff = await maxDifference(page, browser, server);
  console.log(`browser (wasm) vs server: max |Δ| = ${diff.max}/255, mean |Δ| = ${diff.mean.toFixed(4)}/255`);
  await record("generate", {
    recipe: browser.recipe,
    ranIn: browser.ranIn,
    maxAbsDiff255: diff.max,
    meanAbsDiff255: diff.mean,
  });
  expect(diff.max).toBeLessThanOrEqual(3);
});

test("an SDEdit sweep on a drawn sketch runs in the browser", async ({ page }) => {
  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toBeVisible();
  const uploaded = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200);
  await drawStroke(page, "sketch canvas", [
    [0.35, 0.2],
    [0.65, 0.2],
    [0.45, 0.8],
  ]);
  await uploaded;
  const browser = await runInBrowser(page, "Run the sweep", 7);
  expect(browser.images.map((i) => i.label)).toEqual([
    "source",
    "i_start = 1",
    "i_start = 3",
    "i_start = 5",
    "i_start = 7",
    "i_start = 10",
    "i_start = 20",
  ]);
  const diff = await maxDifference(page, browser, await runOnServer(page, browser.recipe));
  await record("sdedit", { recipe: browser.recipe, maxAbsDiff255: diff.max, meanAbsDiff255: diff.mean });
  expect(diff.max).toBeLessThanOrEqual(3);
  await screenshot(page, "edits-browser");
});

test("a flip anagram runs in the browser", async ({ page }) => {
  await page.goto("/illusions");
  await expect(page.getByLabel("Model")).toBeVisible();
  await page.getByLabel("view 2").selectOption("flip");
  const browser = await runInBrowser(page, "Make the anagram", 2);
  expect(browser.images[1]!.label).toContain("flip:");
  const diff = await maxDifference(page, browser, await runOnServer(page, browser.recipe));
  await record("anagram", { recipe: browser.recipe, maxAbsDiff255: diff.max, meanAbsDiff255: diff.mean });
  expect(diff.max).toBeLessThanOrEqual(3);
  await screenshot(page, "illusions-browser");
});

test("importBrowserResult names every bad field", async ({ page }) => {
  const recipe = {
    procedure: "generate",
    modelId: "flow-class-d64",
    prompts: ["a handwritten 7"],
    steps: 2,
    guidance: 5,
    seed: 0,
    batch: 1,
  };
  const png = (
    await sharp({ create: { width: 28, height: 28, channels: 3, background: "#000000" } })
      .png()
      .toBuffer()
  ).toString("base64");
  const wide = (
    await sharp({ create: { width: 30, height: 28, channels: 3, background: "#000000" } })
      .png()
      .toBuffer()
  ).toString("base64");
  const post = (data: unknown) => page.request.post("/api/trpc/generations.importBrowserResult", { data });
  const ranIn = { backend: "wasm", threads: 1 };
  const cases: [unknown, RegExp][] = [
    [
      { recipe, images: [{ png: wide, label: "x" }], ranIn },
      /images\.0\.png: 30×28, but model 'flow-class-d64' makes 28×28/,
    ],
    [{ recipe, images: [{ png: "not base64!", label: "x" }], ranIn }, /images: each png must be base64/],
    [
      { recipe, images: [{ png: Buffer.from("GIF89a").toString("base64"), label: "x" }], ranIn },
      /images\.0\.png: not a PNG/,
    ],
    [
      {
        recipe,
        images: [
          { png, label: "x" },
          { png, label: "y" },
        ],
        ranIn,
      },
      /images: this recipe makes 1 images \(got 2\)/,
    ],
    [
      { recipe, images: [{ png, label: "x" }], ranIn: { backend: "cuda", threads: 1 } },
      /ranIn\.backend: one of webgpu, wasm/,
    ],
    [{ recipe: { ...recipe, modelId: "nope" }, images: [{ png, label: "x" }], ranIn }, /modelId: unknown model 'nope'/],
    [{ recipe: { ...recipe, steps: 0 }, images: [{ png, label: "x" }], ranIn }, /steps: must be a whole number/],
  ];
  for (const [data, message] of cases) {
    const res = await post(data);
    expect(res.status(), JSON.stringify(data).slice(0, 200)).toBeGreaterThanOrEqual(400);
    expect((await res.json()).error.message).toMatch(message);
  }
  // The model file: only for models that declare browser inference, with its hash as the ETag.
  const file = await page.request.get("/api/models/flow-class-d64/model.onnx");
  expect(file.status()).toBe(200);
  expect(file.headers()["cache-control"]).toContain("immutable");
  const again = await page.request.get("/api/models/flow-class-d64/model.onnx", {
    headers: { "if-none-match": file.headers().etag! },
  });
  expect(again.status()).toBe(304);
  expect((await page.request.get("/api/models/nope/model.onnx")).status()).toBe(404);
});
