import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as sessionRoute from "@/app/api/session/route";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import * as uploadsRoute from "@/app/api/uploads/route";
import { proxy } from "@/proxy";
import { createSession, SESSION_COOKIE, sessionValid } from "@/server/auth";
import { enforceExposureRules } from "@/server/exposure";
import { errorResponse } from "@/server/http";
import { signInThrottle } from "@/server/sign-in-throttle";
import { storeUpload } from "@/server/uploads";
import { API_LIMITS } from "@/shared/api-limits";
import { INTERNAL_TEXT } from "../support/hostile";
import { call, ORIGIN, trpcCall, useServices } from "../support/routes";
import { testServices } from "../support/services";

const TOKEN = "correct-horse-battery-staple";
const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;

describe("strings", () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  beforeAll(async () => {
    services = await testServices();
    useServices(services);
  });
  afterAll(async () => services?.dispose());

  it.each([
    ["a NUL", "a handwritten\u0000 7", "prompt: must not contain control characters (found U+0000)"],
    ["a lone surrogate", "a \uD800 7", "prompt: must be valid Unicode text (found an unpaired surrogate)"],
    ["an escape", "\u001b[2J 7", "prompt: must not contain control characters (found U+001B)"],
    ["a long prompt", "7".repeat(201), "prompt: at most 200 characters"],
  ])("a prompt with %s is a 400 naming the field", async (_, prompt, message) => {
    const res = await trpcCall(trpcRoute, "mutation", "generations.create", {
      procedure: "generate",
      modelId: "flow-class-d32",
      prompts: [prompt],
      steps: 10,
      guidance: 5,
      seed: 0,
      batch: 1,
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toBe(message);
  });

  it("training.start refuses bad override keys and values before any run starts", async () => {
    const runs = async () => (await fs.readdir(services.dataDir.runs)).length;
    const before = await runs();
    for (const overrides of [
      { "epochs\u0000": 1 },
      { name: "x\uDC00" },
      { name: "a\u0000" },
      { ["a".repeat(101)]: 1 },
    ]) {
      const res = await trpcCall(trpcRoute, "mutation", "training.start", { experiment: "flow-class", overrides });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatch(/^overrides: /);
    }
    const res = await trpcCall(trpcRoute, "mutation", "training.start", {
      experiment: "flow\u0000class",
      overrides: {},
    });
    expect(await errorOf(res)).toBe("experiment: must not contain control characters (found U+0000)");
    expect(await runs()).toBe(before);
  });

  it("a crafted lastEventId is a 400 on both streams; a well-formed one opens the stream", async () => {
    const id = crypto.randomUUID();
    for (const [p, input] of [
      ["generations.events", { id, lastEventId: `${id}:-1` }],
      ["generations.events", { id, lastEventId: `${crypto.randomUUID()}:3` }],
      ["generations.events", { id, lastEventId: `${id}:1e400` }],
      ["training.events", { id: "some-run", lastEventId: "9007199254740993" }],
      ["training.events", { id: "some-run", lastEventId: "NaN" }],
    ] as const) {
      const res = await trpcCall(trpcRoute, "subscription", p, input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(await errorOf(res)).toMatch(/^lastEventId: /);
    }
    const ok = await trpcCall(trpcRoute, "subscription", "generations.events", { id, lastEventId: `${id}:2` });
    expect(ok.headers.get("content-type")).toContain("text/event-stream");
    await ok.body?.cancel();
  });

  it("limits: an oversize body or batch is a 413, decided before the body is read whole", async () => {
    const big = await call(
      trpcRoute.POST,
      new Request(`${ORIGIN}/api/trpc/generations.create`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(100 * 1024 * 1024) },
        body: "{}",
      }),
    );
    expect(big.status).toBe(413);
    expect(await errorOf(big)).toBe("body: larger than the limit of 1 MB");
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(64 * 1024).fill(32));
      },
    });
    const streamed = await call(
      trpcRoute.POST,
      new Request(`${ORIGIN}/api/trpc/generations.create`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: endless,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(20);
    const paths = Array(API_LIMITS.batch + 1)
      .fill("system.status")
      .join(",");
    const batch = await call(trpcRoute.GET, new Request(`${ORIGIN}/api/trpc/${paths}?batch=1&input={}`));
    expect(batch.status).toBe(413);
    expect(await errorOf(batch)).toBe("batch: at most 10 calls per request (got 11)");
  });
});

describe("nothing internal reaches a client", () => {
  it("an unexpected error is logged with an id and answered with only the id", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = errorResponse(new Error('Failed query: insert into "uploads" values ($1) at /work/app/x.ts:1:2'));
    const message = await errorOf(res);
    expect(res.status).toBe(500);
    expect(message).toMatch(/^internal error \(id [0-9a-f]{8}\)$/);
    expect(message).not.toMatch(INTERNAL_TEXT);
    expect(String(log.mock.calls[0]?.[0])).toContain(message.slice(-10, -1));
    log.mockRestore();
  });

  it.each([
    ["ENOSPC", 507, "storage: full; free disk space and try again"],
    ["EDQUOT", 507, "storage: full; free disk space and try again"],
    ["EROFS", 503, "storage: the data directory is not writable"],
    ["EACCES", 503, "storage: the data directory is not writable"],
  ])("%s is answered %i with a clear message", async (code, status, message) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = Object.assign(new Error(`${code}: no space left, write '/data/x'`), { code });
    const res = errorResponse(new Error("wrapped", { cause: err }));
    expect(res.status).toBe(status);
    expect(await errorOf(res)).toBe(message);
    log.mockRestore();
  });

  it("a full disk leaves no file behind and the next upload succeeds once there is room", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-full-"));
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } })
      .png()
      .toBuffer();
    let full = true;
    // The injected write fails the way a full disk does, half-way through the file.
    const write = async (file: string, data: Uint8Array) => {
      const { writeFileAtomic } = await import("@/server/atomic-write");
      if (!full) return writeFileAtomic(file, data);
      await fs.writeFile(`${file}.partial`, data.subarray(0, 4)).then(() => fs.rm(`${file}.partial`));
      throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    };
    await expect(storeUpload(dir, png, write)).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await fs.readdir(path.join(dir, "uploads"))).toEqual([]);
    full = false;
    const stored = await storeUpload(dir, png, write);
    expect(await fs.readdir(path.join(dir, "uploads"))).toEqual([path.basename(stored.path)]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

/** A 64 KB tmpfs, where this test runs as root and may mount (CI containers usually can); else the test is skipped. */
async function smallDisk(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ds-tmpfs-"));
  const { execFileSync } = await import("node:child_process");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    return undefined;
  }
}

const dir = await smallDisk();

describe("a real full disk", () => {
  afterAll(async () => {
    if (!dir) return;
    const { execFileSync } = await import("node:child_process");
    execFileSync("umount", [dir]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!dir)("writeFileAtomic fails with ENOSPC on a full tmpfs and leaves nothing behind", async () => {
    const { writeFileAtomic } = await import("@/server/atomic-write");
    await expect(writeFileAtomic(path.join(dir!, "big.png"), new Uint8Array(1024 * 1024))).rejects.toMatchObject({
      code: "ENOSPC",
    });
    expect(await fs.readdir(dir!)).toEqual([]);
    // Service resumes once there is room: a small file fits.
    await writeFileAtomic(path.join(dir!, "small.png"), new Uint8Array(1024));
    expect(await fs.readdir(dir!)).toEqual(["small.png"]);
  });
});

describe("hostile pages (proxy)", () => {
  const at = (host: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    proxy(
      new NextRequest(`http://${host}/api/uploads`, {
        method: init.method ?? "GET",
        headers: { host, ...init.headers },
      }),
    );

  it("refuses a foreign Host (DNS rebinding) with 421 and serves the loopback names", async () => {
    process.env.PORT = "3000";
    expect(at("evil.example:3000").status).toBe(421);
    expect(await errorOf(at("evil.example:3000"))).toMatch(/^host: 'evil.example:3000' is not an address/);
    expect(at("127.0.0.1:4000").status).toBe(421);
    for (const ok of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000"]) expect(at(ok).status, ok).toBe(200);
  });

  it("refuses cross-site mutations (Origin, Sec-Fetch-Site) with 403 and lets same-origin and scripts through", async () => {
    const host = "127.0.0.1:3000";
    const post = (headers: Record<string, string>) => at(host, { method: "POST", headers });
    expect(post({ origin: "http://evil.example" }).status).toBe(403);
    expect(post({ origin: "null" }).status).toBe(403);
    expect(post({ "sec-fetch-site": "cross-site" }).status).toBe(403);
    expect(post({ "sec-fetch-site": "same-site", origin: "http://127.0.0.1:8080" }).status).toBe(403);
    expect(await errorOf(post({ origin: "http://evil.example" }))).toMatch(/^origin: /);
    expect(post({ origin: `http://${host}`, "sec-fetch-site": "same-origin" }).status).toBe(200);
    expect(post({}).status).toBe(200); // curl, scripts
  });

  it("a cross-site text/plain upload is refused by type too (415)", async () => {
    const services = await testServices();
    useServices(services);
    const res = await call(
      uploadsRoute.POST,
      new Request(`${ORIGIN}/api/uploads`, {
        method: "POST",
        body: "hello",
        headers: { "content-type": "text/plain" },
      }),
    );
    expect(res.status).toBe(415);
    expect(await errorOf(res)).toMatch(/^file: not an image we can decode \(its type is 'text\/plain'/);
    await services.dispose();
  });
});

describe("exposure", () => {
  it("exits non-zero when the bound address is exposed and there is no token, whatever HOST says", async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
    const port = String((server.address() as { port: number }).port);
    const exits: number[] = [];
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const env: Record<string, string | undefined> = { HOST: "127.0.0.1", PORT: port, DATA_DIR: os.tmpdir() };
    expect(enforceExposureRules(env, (c) => exits.push(c))).toMatch(/listens on 0\.0\.0\.0/);
    expect(exits).toEqual([1]);
    expect(enforceExposureRules({ ...env, TEAM_TOKEN: TOKEN }, (c) => exits.push(c))).toBeUndefined();
    expect(enforceExposureRules({ ...env, TEAM_TOKEN: "short" }, (c) => exits.push(c))).toMatch(/TEAM_TOKEN/);
    expect(exits).toEqual([1, 1]);
    log.mockRestore();
    await new Promise((r) => server.close(r));
  });
});

describe("an exposed portal", () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  beforeAll(async () => {
    services = await testServices({ TEAM_TOKEN: TOKEN, HOST: "0.0.0.0" });
    useServices(services);
  });
  afterAll(async () => services?.dispose());

  it("needs the token for reads too, except a generation opened through its signed share link", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await trpcCall(trpcRoute, "query", "generations.list", {})).status).toBe(401);
    expect((await trpcCall(trpcRoute, "query", "models.list", undefined)).status).toBe(401);
    expect((await trpcCall(trpcRoute, "query", "system.status", undefined)).status).toBe(200);
    expect((await trpcCall(trpcRoute, "query", "generations.list", {}, auth)).status).toBe(200);
    const id = crypto.randomUUID();
    const link = await trpcCall(trpcRoute, "mutation", "sharing.link", { id }, auth);
    const { path: shared } = ((await link.json()) as { result: { data: { path: string } } }).result.data;
    expect(shared).toMatch(new RegExp(`^/g/${id}\\?share=`));
    // Opening the link stores its signature for that generation only (the proxy reads the process environment).
    Object.assign(process.env, { TEAM_TOKEN: TOKEN, HOST: "0.0.0.0" });
    const opened = proxy(new NextRequest(`http://portal.example${shared}`, { headers: { host: "portal.example" } }));
    const cookie = opened.headers.get("set-cookie")!.split(";")[0]!;
    expect((await trpcCall(trpcRoute, "query", "generations.get", { id }, { cookie })).status).toBe(404);
    const other = { id: crypto.randomUUID() };
    expect((await trpcCall(trpcRoute, "query", "generations.get", other, { cookie })).status).toBe(401);
    const forged = proxy(new NextRequest(`http://portal.example/g/${id}?share=forged`, { headers: { host: "x" } }));
    expect(forged.headers.get("set-cookie")).toBeNull();
    delete process.env.TEAM_TOKEN;
    delete process.env.HOST;
  });
});

describe("sessions", () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  beforeAll(async () => {
    services = await testServices({ TEAM_TOKEN: TOKEN });
    useServices(services);
  });
  afterAll(async () => services?.dispose());

  const signIn = (token: string, client = "10.0.0.1") =>
    call(
      sessionRoute.POST,
      new Request(`${ORIGIN}/api/session`, {
        method: "POST",
        body: JSON.stringify({ token }),
        headers: { "content-type": "application/json", "x-forwarded-for": client },
      }),
    );

  it("signs in with a signed, expiring, http-only cookie that holds no token, and signs out", async () => {
    const res = await signIn(TOKEN);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=604800/);
    expect(cookie).not.toContain(TOKEN);
    const value = cookie.split(";")[0]!.split("=")[1]!;
    expect(sessionValid(TOKEN, value)).toBe(true);
    expect(sessionValid("another-team-token-value", value)).toBe(false);
    expect(sessionValid(TOKEN, `${value.slice(0, -2)}xx`)).toBe(false);
    expect(sessionValid(TOKEN, createSession(TOKEN, Date.now() - 8 * 24 * 3600 * 1000))).toBe(false);
    const status = await trpcCall(trpcRoute, "query", "system.status", undefined, {
      cookie: `${SESSION_COOKIE}=${value}`,
    });
    expect(((await status.json()) as { result: { data: { authorized: boolean } } }).result.data.authorized).toBe(true);
    const out = await call(sessionRoute.DELETE, new Request(`${ORIGIN}/api/session`, { method: "DELETE" }));
    expect(out.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
  });

  it("throttles failed sign-ins per client (429 with Retry-After) and overall", async () => {
    signInThrottle.reset();
    for (let i = 0; i < 5; i++) expect((await signIn("wrong-token-wrong-token", "10.0.0.2")).status).toBe(401);
    const blocked = await signIn(TOKEN, "10.0.0.2");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await errorOf(blocked)).toMatch(/^token: too many wrong tokens/);
    expect((await signIn(TOKEN, "10.0.0.3")).status).toBe(200); // another client is not blocked…
    for (let i = 0; i < 60; i++) await signIn("wrong-token-wrong-token", `10.1.0.${i}`);
    expect((await signIn(TOKEN, "10.0.0.4")).status).toBe(429); // …until the global budget is spent
    signInThrottle.reset();
  });
});
