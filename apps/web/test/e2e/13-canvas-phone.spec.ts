import { expect, type Locator, type Page, test } from "@playwright/test";
import sharp from "sharp";
import { DESKTOP, drawStroke, PHONE, runAndWait, SECTION_PAGES, screenshot, screenshotBoth } from "./support";

// Canvas tools (brush size, eraser, undo/redo, clear, touch) and every page at a phone's width. One story, in order.
// Generous timeouts: it shares two cores with other test runs and builds.
test.describe.configure({ mode: "serial", timeout: 600_000 });

/** Pixels a canvas shows as drawn: ink on a sketch, paint (opaque) on a mask. */
async function painted(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const mask = c.getAttribute("aria-label") === "mask canvas";
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if ((mask ? d[i + 3]! : d[i]!) > 127) n++;
    return n;
  });
}

/** Runs `action` and returns the white pixels of the image it uploads (the mask the form will submit), as stored. */
async function uploadedWhite(page: Page, action: () => Promise<unknown>): Promise<number> {
  const response = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200, {
    timeout: 90_000,
  });
  await action();
  const { url } = (await (await response).json()) as { url: string };
  const png = await (await page.request.get(url)).body();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 127) n++;
  return n;
}

/** The page is no wider than the screen; on failure, names the elements that stick out. */
async function expectFits(page: Page, what: string) {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${(e.getAttribute("class") ?? "").slice(0, 60)}`);
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide };
  });
  expect(
    scrollWidth,
    `${what} is ${scrollWidth}px wide on a ${clientWidth}px screen: ${wide.join(", ")}`,
  ).toBeLessThanOrEqual(clientWidth);
}

const mask = (page: Page) => page.getByLabel("mask canvas", { exact: true });
const maskTools = (page: Page) => page.getByRole("group", { name: "Mask editor" });
const across: [number, number][] = [
  [0.15, 0.5],
  [0.85, 0.5],
];

test("brush size, eraser, undo/redo and clear change the inpainting mask, on a phone-sized canvas", async ({
  page,
}) => {
  await page.setViewportSize(PHONE);
  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 120_000 });
  await page.getByRole("tab", { name: "Inpainting" }).click();
  await uploadedWhite(page, () =>
    drawStroke(page, "sketch canvas", [
      [0.5, 0.15],
      [0.5, 0.85],
    ]),
  );
  await expect(mask(page)).toBeVisible();
  // The canvas fits its panel: on screen, and still the image's own 28×28 pixels.
  const box = (await mask(page).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  await expect(mask(page)).toHaveAttribute("width", "28");

  // A stroke paints the mask, and what is painted is what the form submits.
  const thin = await uploadedWhite(page, () => drawStroke(page, "mask canvas", across));
  expect(thin).toBeGreaterThan(0);
  expect(await painted(mask(page))).toBe(thin);

  // Undo (button) clears it, redo (Ctrl+Shift+Z) brings it back, Ctrl+Z takes it away again.
  const tools = maskTools(page);
  await tools.getByRole("button", { name: "Undo" }).click();
  expect(await painted(mask(page))).toBe(0);
  await expect(tools.getByRole("button", { name: "Undo" })).toBeDisabled();
  // The shortcuts act on the canvas that has the focus (not on a text field's own undo).
  await mask(page).focus();
  expect(await uploadedWhite(page, () => page.keyboard.press("Control+Shift+Z"))).toBe(thin);
  await page.keyboard.press("Control+z");
  expect(await painted(mask(page))).toBe(0);
  expect(await uploadedWhite(page, () => tools.getByRole("button", { name: "Redo" }).click())).toBe(thin);

  // A larger brush paints a wider stroke.
  await tools.getByRole("button", { name: "Clear mask" }).click();
  expect(await painted(mask(page))).toBe(0);
  await tools.getByLabel("Brush size").fill("5");
  await expect(tools.locator("output")).toHaveText("10 px");
  const wide = await uploadedWhite(page, () => drawStroke(page, "mask canvas", across));
  expect(wide).toBeGreaterThan(thin * 2);

  // The eraser takes paint away where it passes.
  await tools.getByRole("button", { name: "Eraser" }).click();
  await expect(tools.getByRole("button", { name: "Eraser" })).toHaveAttribute("aria-pressed", "true");
  await tools.getByLabel("Brush size").fill("2");
  const erased = await uploadedWhite(page, () =>
    drawStroke(page, "mask canvas", [
      [0.5, 0.1],
      [0.5, 0.9],
    ]),
  );
  expect(erased).toBeGreaterThan(0);
  expect(erased).toBeLessThan(wide);
  const centre = await mask(page).evaluate(
    (c: HTMLCanvasElement) => c.getContext("2d")!.getImageData(14, 14, 1, 1).data[3],
  );
  expect(centre).toBe(0);
  // B picks the brush again.
  await mask(page).focus();
  await page.keyboard.press("b");
  await expect(tools.getByRole("button", { name: "Brush" })).toHaveAttribute("aria-pressed", "true");
  await expectFits(page, "Edits with the mask painter");
  await screenshotBoth(page, "canvas-mask");
});

test.describe("on a touch screen", () => {
  test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

  test("a finger draws on the sketch canvas, and the page does not scroll", async ({ page }) => {
    await page.goto("/edits");
    await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 120_000 });
    const sketch = page.getByLabel("sketch canvas", { exact: true });
    await sketch.scrollIntoViewIfNeeded();
    await sketch.evaluate((c) => {
      const seen: string[] = [];
      (window as unknown as { pointerTypes: string[] }).pointerTypes = seen;
      c.addEventListener("pointerdown", (e) => seen.push((e as PointerEvent).pointerType));
    });
    const box = (await sketch.boundingBox())!;
    const at = (fx: number, fy: number) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
    const scrolled = await page.evaluate(() => window.scrollY);

    // A real touch sequence (touchstart, moves, touchend), straight down: without touch-action: none it would scroll.
    const cdp = await page.context().newCDPSession(page);
    const upload = page.waitForResponse((r) => r.url().endsWith("/api/uploads") && r.status() === 200);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [at(0.5, 0.15)] });
    for (let i = 1; i <= 12; i++)
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [at(0.5, 0.15 + (0.7 * i) / 12)] });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await upload;

    expect(await page.evaluate(() => (window as unknown as { pointerTypes: string[] }).pointerTypes)).toEqual([
      "touch",
    ]);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    // Ink from the top of the stroke to its bottom.
    const rows = await sketch.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const inked = new Set<number>();
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 127) inked.add(Math.floor(i / 4 / c.width));
      return inked.size;
    });
    expect(rows).toBeGreaterThanOrEqual(18);

    // A tap leaves a dot.
    const before = await painted(sketch);
    await page.touchscreen.tap(at(0.2, 0.2).x, at(0.2, 0.2).y);
    await expect.poll(() => painted(sketch)).toBeGreaterThan(before);
    await screenshot(page, "canvas-touch-phone");
  });
});

test("every page fits a 390 px phone screen, with results in its galleries", async ({ page }) => {
  test.setTimeout(900_000);
  await page.setViewportSize(PHONE);

  // Content first, each checked at phone width right after it ran (live panels included).
  await page.goto("/prompts");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 120_000 });
  await page.getByLabel("Prompts").fill("a handwritten 3\na handwritten 8");
  await page.getByLabel("Images per prompt").fill("4");
  await page.getByLabel("Steps").fill("8");
  const generated = await runAndWait(page, "Generate");
  const sharedId = await generated.getAttribute("data-id");
  await expectFits(page, "Prompts after a generation");

  await page.goto("/edits");
  await expect(page.getByLabel("Model")).toHaveValue("flow-class-d64", { timeout: 120_000 });
  await uploadedWhite(page, () =>
    drawStroke(page, "sketch canvas", [
      [0.35, 0.2],
      [0.65, 0.2],
      [0.45, 0.8],
    ]),
  );
  await page.getByLabel("Steps").fill("10");
  await page.getByLabel("Noise levels (i_start)").fill("1, 5");
  await runAndWait(page, "Run the sweep");
  await expectFits(page, "Edits after an SDEdit sweep");

  await page.goto("/illusions");
  await expect(page.getByLabel("Model")).toHaveValue(/.+/);
  await page.getByLabel("Steps").fill("8");
  await runAndWait(page, "Make the anagram");
  await expectFits(page, "Illusions after an anagram");

  await page.goto("/lab");
  await expect(page.getByLabel("Model")).toHaveValue(/.+/);
  await uploadedWhite(page, () =>
    drawStroke(page, "sketch canvas", [
      [0.3, 0.3],
      [0.7, 0.7],
    ]),
  );
  await runAndWait(page, "Run");
  await expectFits(page, "Lab after the forward process");

  await page.goto("/training");
  await page.getByLabel("Experiment").selectOption("flow-class");
  await page.getByLabel("Epochs").fill("1");
  await page.getByLabel("Training examples").fill("64");
  await page.getByLabel("Hidden width D").fill("8");
  await page.getByLabel("More overrides").fill("logEvery=1\nflow.sampleSteps=2");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByTestId("run-detail")).toHaveAttribute("data-state", "done", { timeout: 180_000 });
  await expectFits(page, "Training with a finished run");

  const pages = [
    ...SECTION_PAGES,
    { name: "workers", path: "/workers", heading: "Workers" },
    { name: "shared", path: `/g/${sharedId}`, heading: "Shared result" },
    { name: "sign-in", path: "/sign-in", heading: undefined },
  ];
  for (const p of pages) {
    await page.goto(p.path);
    if (p.heading) await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    else await expect(page.getByText("Sign in with the team token")).toBeVisible();
    await expect(page.getByTestId("server-status")).toContainText("running");
    await page.waitForLoadState("networkidle");
    await expectFits(page, p.path);
    await screenshotBoth(page, `phone-check-${p.name}`);
  }

  // The sections fold into a menu that fits too.
  await page.getByRole("button", { name: "Menu" }).click();
  const sections = page.getByRole("navigation", { name: "Sections" });
  await expect(sections.getByRole("link", { name: "Workers" })).toBeVisible();
  await expectFits(page, "the open menu");
  await screenshot(page, "phone-check-menu-phone");
  await sections.getByRole("link", { name: "Prompts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Prompts" })).toBeVisible();
  await expect(sections).toBeHidden();
  await page.setViewportSize(DESKTOP);
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  await expect(sections.getByRole("link", { name: "Workers" })).toBeVisible();
});
