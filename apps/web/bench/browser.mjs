// Browser (onnxruntime-web, wasm, in Debian's chromium) vs server (onnxruntime-node worker) images/s for the same
// model and recipe on the same machine: the embedded flow-class-d64, one prompt × 8 images, 50 Euler steps, CFG γ = 5.
// Starts the built portal (`pnpm build` first) on a free port with a temporary data directory. Each side runs once
// to warm up (session creation, wasm compilation), then the timed runs. Browser: the worker's own time from the
// open session to the last image; server: from generations.create to the row being done (queue and IPC included).
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";

const APP = path.resolve(import.meta.dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const recipe = (seed) => ({
  procedure: "generate",
  modelId: "flow-class-d64",
  prompts: ["a handwritten 7"],
  steps: 50,
  guidance: 5,
  seed,
  batch: 8,
});

const port = await new Promise((resolve) => {
  const srv = net.createServer().listen(0, "127.0.0.1", () => {
    const p = srv.address().port;
    srv.close(() => resolve(p));
  });
});
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-browser-bench-"));
const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
const portal = spawn(process.execPath, [next, "start", "-H", "127.0.0.1", "-p", String(port)], {
  cwd: APP,
  env: { ...process.env, DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" },
  stdio: "ignore",
});
const url = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(name, input, method = "GET") {
  const res =
    method === "GET"
      ? await fetch(`${url}/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`)
      : await fetch(`${url}/api/trpc/${name}`, {
          method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input),
        });
  const body = await res.json();
  if (!res.ok) throw new Error(`${name}: ${body.error?.message ?? res.status}`);
  return body.result.data;
}

async function serverRun(seed) {
  const t0 = performance.now();
  const { id } = await api("generations.create", recipe(seed), "POST");
  for (;;) {
    const g = await api("generations.get", { id });
    if (g.status === "done") return (performance.now() - t0) / 1000;
    if (g.status !== "queued" && g.status !== "running") throw new Error(`server run ${g.status}: ${g.error}`);
    await sleep(50);
  }
}

async function browserRun(page, seed) {
  await page.locator("#seed").fill(String(seed));
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const progress = page.getByTestId("browser-progress");
  // The click resets the panel at once; then wait for this run's end.
  await page.waitForFunction(() => document.querySelector("[data-testid=browser-progress]")?.dataset.state !== "done");
  await page.locator('[data-testid="browser-progress"][data-state="done"]').waitFor({ timeout: 600_000 });
  return {
    seconds: Number(await progress.getAttribute("data-seconds")),
    backend: await progress.getByTestId("browser-backend").textContent(),
  };
}

let browser;
try {
  for (let deadline = Date.now() + 60_000; ; await sleep(300)) {
    if (
      await fetch(`${url}/api/trpc/system.status`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error("the portal did not start (run `pnpm build` first)");
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  const page = await browser.newPage();
  await page.goto(`${url}/prompts`);
  await page.getByLabel("Model").selectOption("flow-class-d64");
  await page.getByLabel("Prompts").fill("a handwritten 7");
  await page.getByLabel("Steps").fill("50");
  await page.getByLabel("Images per prompt").fill("8");
  await page.getByTestId("run-in-browser").check();

  await serverRun(100); // warm-up: the worker opens its session
  await browserRun(page, 100); // warm-up: wasm compiled, threads started
  const server = [];
  const inBrowser = [];
  for (let k = 0; k < RUNS; k++) {
    server.push(await serverRun(k));
    inBrowser.push(await browserRun(page, k));
  }
  const best = (xs) => Math.min(...xs);
  const s = best(server);
  const b = best(inBrowser.map((r) => r.seconds));
  console.log(
    `flow-class-d64, 1 prompt × 8 images, 50 Euler steps, CFG γ=5; ${os.availableParallelism()} cores; best of ${RUNS}`,
  );
  console.log(`server  (onnxruntime-node, worker):       ${(8 / s).toFixed(2)} images/s  (${s.toFixed(2)} s)`);
  console.log(`browser (${inBrowser[0].backend}):  ${(8 / b).toFixed(2)} images/s  (${b.toFixed(2)} s)`);
  console.log(`browser / server: ${(s / b).toFixed(2)}×`);
} finally {
  await browser?.close();
  portal.kill("SIGTERM");
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
}
