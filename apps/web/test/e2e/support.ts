import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";

export const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/screenshots");

/** Saves a full-page screenshot under test-results/screenshots/<name>.png for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  // Every picture decoded, so the screenshot shows what a person would see.
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete && i.naturalWidth > 0));
  // From the top, so the sticky header sits where it belongs in a full-page capture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The portal's sections, each with the heading its page shows. */
export const SECTION_PAGES: readonly { name: string; path: string; heading: string }[] = [
  { name: "home", path: "/", heading: "Diffusion Studio" },
  { name: "prompts", path: "/prompts", heading: "Prompts" },
  { name: "edits", path: "/edits", heading: "Edits" },
  { name: "illusions", path: "/illusions", heading: "Illusions" },
  { name: "lab", path: "/lab", heading: "Lab" },
  { name: "training", path: "/training", heading: "Training" },
];

export const DESKTOP = { width: 1440, height: 1000 };
export const PHONE = { width: 390, height: 844 };

/**
 * Screenshots at desktop and phone size (`<name>.png`, `<name>-phone.png`) of what the page shows now; the viewport is
 * left as it was.
 */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await screenshot(page, name);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(before);
}

/** A small grey PNG, as an uploaded photo would be. */
export async function pngBuffer(width = 28, height = 28): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#777777" } })
    .png()
    .toBuffer();
}

/** Draws a stroke across a canvas, in fractions of its size. */
export async function drawStroke(page: Page, label: string, points: [number, number][]): Promise<void> {
  const canvas = page.getByLabel(label);
  // Mouse coordinates are viewport coordinates: the canvas must be on screen.
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}

const APP_DIR = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = createRequire(import.meta.url).resolve("next/dist/bin/next");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the built portal on its own port and data directory, like `pnpm start` does. */
export async function startPortal(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: APP_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/trpc/system.status`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the portal did not start");
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/**
 * The text chunks of a PNG (tEXt, and uncompressed iTXt for text beyond Latin-1, e.g. "γ"), read by walking its
 * chunks (length, type, data, CRC): not the portal's own reader.
 */
export function pngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const nul = data.indexOf(0);
    if (type === "tEXt") {
      out[data.toString("latin1", 0, nul)] = data.toString("latin1", nul + 1);
    } else if (type === "iTXt" && data[nul + 1] === 0) {
      // keyword, 0, flag, method, language, 0, translation, 0, UTF-8 text
      const afterLanguage = data.indexOf(0, nul + 3);
      const afterTranslation = data.indexOf(0, afterLanguage + 1);
      out[data.toString("latin1", 0, nul)] = data.toString("utf8", afterTranslation + 1);
    }
    at += 12 + length;
  }
  return out;
}

/** Submits the form by its button and waits for the new history card (the newest) to finish; returns that card. */
export async function runAndWait(page: Page, button: string): Promise<Locator> {
  const cards = page.getByTestId("generation-card");
  // The history must have loaded before it is counted.
  await expect(page.getByTestId("history-search")).toBeVisible();
  await expect(page.getByText("Loading…", { exact: true })).toHaveCount(0);
  const before = await cards.count();
  await page.getByRole("button", { name: button, exact: true }).click();
  await expect(cards).toHaveCount(before + 1, { timeout: 30_000 });
  const card = page.locator(
    `[data-testid="generation-card"][data-id="${await cards.first().getAttribute("data-id")}"]`,
  );
  await expect(card).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  return card;
}
