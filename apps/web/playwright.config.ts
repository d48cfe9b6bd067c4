import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// The config is evaluated again in each worker: the first evaluation picks the port and data directory and passes
// them on through the environment.
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "ds-e2e-"));
// Empty at start beside the embedded models; the bad-input tests add a small exported model here.
process.env.E2E_MODELS_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "ds-e2e-models-"));
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "test/e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Generous: CI runs other packages' tests on the same two cores at the same time.
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    viewport: { width: 1440, height: 1000 },
    colorScheme: "dark",
    launchOptions: chromium,
  },
  webServer: {
    command: `pnpm exec next start -H 127.0.0.1 -p ${port}`,
    url: `${baseURL}/api/trpc/system.status`,
    reuseExistingServer: false,
    // A cold start on a loaded 2-core machine (CI runs other packages beside it) can take over 90 s.
    timeout: 240_000,
    env: {
      DATA_DIR: process.env.E2E_DATA_DIR,
      MODELS_DIR: process.env.E2E_MODELS_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdout: "ignore",
    stderr: "pipe",
  },
});
