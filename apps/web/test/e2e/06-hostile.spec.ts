import { spawn } from "node:child_process";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, test } from "@playwright/test";

const APP_DIR = path.resolve(import.meta.dirname, "../..");

function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { TEAM_TOKEN: _, ...rest } = env;
  return rest;
}

/** A raw request, so that the Host header can be anything (fetch would not let us set it). */
function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

test("a foreign Host is refused (DNS rebinding) and the portal's own is served", async ({ baseURL }) => {
  const port = new URL(baseURL!).port;
  const foreign = await rawRequest(`${baseURL}/api/trpc/generations.list`, {
    headers: { host: `evil.example:${port}` },
  });
  expect(foreign.status).toBe(421);
  expect(JSON.parse(foreign.body).error.message).toMatch(/^host: /);
  const page = await rawRequest(`${baseURL}/prompts`, { headers: { host: `rebound.example:${port}` } });
  expect(page.status).toBe(421);
  expect(
    (await rawRequest(`${baseURL}/api/trpc/system.status`, { headers: { host: `localhost:${port}` } })).status,
  ).toBe(200);
});

test("a cross-site POST is refused, and so is a text/plain upload", async ({ baseURL, request }) => {
  const crossSite = await rawRequest(`${baseURL}/api/uploads`, {
    method: "POST",
    headers: { origin: "http://evil.example", "content-type": "text/plain" },
    body: "hello",
  });
  expect(crossSite.status).toBe(403);
  const mutation = await request.post("/api/trpc/generations.delete", {
    headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    data: { id: crypto.randomUUID() },
  });
  expect(mutation.status()).toBe(403);
  const plain = await request.post("/api/uploads", { headers: { "content-type": "text/plain" }, data: "hello" });
  expect(plain.status()).toBe(415);
});

test("a portal bound to every interface without TEAM_TOKEN exits non-zero and never answers", async () => {
  const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [next, "start", "-H", "0.0.0.0", "-p", "0"], {
    cwd: APP_DIR,
    // HOST says loopback; the bound address is what counts.
    env: { ...withoutToken(process.env), HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => {
    output += c;
  });
  child.stderr.on("data", (c) => {
    output += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(1);
  expect(output).toMatch(/will not start: it listens on 0\.0\.0\.0.*set TEAM_TOKEN/);
});
