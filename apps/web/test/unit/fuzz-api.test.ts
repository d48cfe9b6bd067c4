import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as artifactsRoute from "@/app/api/artifacts/[...path]/route";
import * as runsRoute from "@/app/api/runs/[...path]/route";
import * as sessionRoute from "@/app/api/session/route";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import * as uploadsRoute from "@/app/api/uploads/route";
import { appRouter } from "@/server/api/root";
import { hostileString, hostileValue, INTERNAL_TEXT, NAMES_A_FIELD } from "../support/hostile";
import { call, firstEvent, ORIGIN, trpcCall, useServices } from "../support/routes";
import { testServices } from "../support/services";

/**
 * Property-based fuzzing of every tRPC procedure and plain route, in-process through the real route handlers: for
 * generated bad input the answer is never a 5xx, its message starts with a field name (the one that was bad, when
 * one field was), it carries no internal text, and the portal still answers normally afterwards.
 */

let services: Awaited<ReturnType<typeof testServices>>;
beforeAll(async () => {
  services = await testServices();
  useServices(services);
});
afterAll(async () => services?.dispose());

type ProcedureType = "query" | "mutation" | "subscription";
const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>,
).map(([path, p]) => ({ path, type: p._def.type }));

/** A valid recipe for a model that does not exist: it passes every schema and runs nothing. */
const RECIPE = {
  procedure: "generate",
  modelId: "no-such-model",
  prompts: ["a handwritten 7"],
  steps: 10,
  guidance: 5,
  seed: 0,
  batch: 1,
};

/** A plausible input per procedure, so that one hostile field is what makes it bad (unknown ids: nothing runs). */
const BASE: Record<string, Record<string, unknown>> = {
  "generations.create": RECIPE,
  "generations.list": { limit: 5 },
  "training.start": { experiment: "no-such-experiment", overrides: {} },
  "training.estimate": { experiment: "no-such-experiment", overrides: {} },
  "models.get": { id: "no-such-model" },
  "generations.browserInput": { modelId: "no-such-model", uploadId: crypto.randomUUID(), input: "image" },
  "generations.importBrowserResult": {
    recipe: RECIPE,
    images: [{ png: "iVBORw0KGgo=", label: "7" }],
    ranIn: { backend: "wasm", threads: 1 },
  },
  "system.retryDeadLetter": { id: crypto.randomUUID() },
  "grids.create": { ...RECIPE, x: { param: "guidance", values: [1, 3] }, y: { param: "steps", values: [2, 4] } },
  "grids.get": { id: crypto.randomUUID() },
  "grids.list": { limit: 5 },
};
const baseFor = (path: string) =>
  BASE[path] ??
  (path.startsWith("training.")
    ? { id: "no-such-run" }
    : path.startsWith("generations.") || path.startsWith("sharing.")
      ? { id: crypto.randomUUID() }
      : {});

/**
 * What a JSON error answer must look like. `fields` are the input's keys: a 400 must name one of them (the hostile one,
 * or one the base input leaves unknown on purpose, e.g. an experiment that does not exist).
 */
function expectSafeError(status: number, body: string, fields?: string[]) {
  expect(status, body).toBeLessThan(500);
  if (status < 400) return;
  expect(body).not.toMatch(INTERNAL_TEXT);
  const message = (JSON.parse(body) as { error: { message: string } }).error.message;
  expect(message).toMatch(NAMES_A_FIELD);
  if (fields?.length && status === 400) {
    const named = message.slice(0, message.indexOf(":")).split(".")[0]!;
    expect(
      fields.some((f) => f.startsWith(named) || named.startsWith(f)),
      `${message} names none of ${fields}`,
    ).toBe(true);
  }
}

async function answer(type: ProcedureType, path: string, input: unknown) {
  const res = await trpcCall(trpcRoute, type, path, input);
  // A subscription that passed validation streams; its first event must not be internal either.
  const body = res.headers.get("content-type")?.includes("event-stream")
    ? ((await firstEvent(res, 200)) ?? "")
    : await res.text();
  return { status: res.status, body };
}

describe("fuzz: tRPC procedures", () => {
  it("answer one hostile field with a 4xx naming it and nothing internal", async () => {
    const procedure = fc.constantFrom(...PROCEDURES);
    await fc.assert(
      fc.asyncProperty(procedure, hostileValue, fc.nat(), async ({ path, type }, value, pick) => {
        const base = baseFor(path);
        const keys = Object.keys(base);
        const field = keys.length ? keys[pick % keys.length]! : "input";
        const input = keys.length ? { ...base, [field]: value } : value;
        const { status, body } = await answer(type, path, input);
        expectSafeError(status, body, keys);
      }),
      { numRuns: 2000 },
    );
  });

  it("answer any whole input (not an object, extra keys, nesting) without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROCEDURES), hostileValue, async ({ path, type }, input) => {
        const { status, body } = await answer(type, path, input);
        expectSafeError(status, body);
      }),
      { numRuns: 1000 },
    );
  });

  it("answer hostile lastEventIds on every stream with a 400 before the stream opens", async () => {
    const streams = PROCEDURES.filter((p) => p.type === "subscription");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...streams),
        fc.oneof(hostileString, fc.constantFrom("-1", "1e9", "NaN", "9007199254740993", "0x10", "01", "1.5", "x:1")),
        async ({ path }, lastEventId) => {
          const url = new URL(`${ORIGIN}/api/trpc/${path}`);
          url.searchParams.set("input", JSON.stringify(baseFor(path)));
          url.searchParams.set("lastEventId", lastEventId || "-1");
          const res = await call(trpcRoute.GET, new Request(url));
          const body = await res.text();
          expect(res.status, body).toBe(400);
          expect(JSON.parse(body).error.message).toMatch(/^lastEventId: /);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("fuzz: plain routes", () => {
  const contentType = fc.constantFrom(
    "image/png",
    "application/octet-stream",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "",
  );

  it("uploads: any bytes with any type get a typed 4xx naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), contentType, async (bytes, type) => {
        const headers = type ? { "content-type": type } : undefined;
        const res = await call(
          uploadsRoute.POST,
          new Request(`${ORIGIN}/api/uploads`, { method: "POST", body: bytes, headers }),
        );
        const body = await res.text();
        expectSafeError(res.status, body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(JSON.parse(body).error.message).toMatch(/^file: /);
      }),
      { numRuns: 400 },
    );
  });

  it("artifacts and runs: any path segments are a 404 (or a file), never a 5xx or a leak", async () => {
    const segments = fc.array(fc.oneof(hostileString, fc.constantFrom("..", ".", "generations", "uploads")), {
      minLength: 1,
      maxLength: 5,
    });
    await fc.assert(
      fc.asyncProperty(segments, fc.boolean(), async (parts, runs) => {
        const route = runs ? runsRoute : artifactsRoute;
        const res = await call(route.GET, new Request(`${ORIGIN}/api/x`), { path: parts });
        expectSafeError(res.status, await res.text());
      }),
      { numRuns: 500 },
    );
  });

  it("session: any body is answered without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileString,
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const res = await call(sessionRoute.POST, new Request(`${ORIGIN}/api/session`, { method: "POST", body }));
          expectSafeError(res.status, await res.text());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("after the fuzzing", () => {
  it("the portal still answers normally", async () => {
    const status = await trpcCall(trpcRoute, "query", "system.status", undefined);
    expect(status.status).toBe(200);
    const list = await trpcCall(trpcRoute, "query", "generations.list", { limit: 5 });
    expect(list.status).toBe(200);
  });
});
