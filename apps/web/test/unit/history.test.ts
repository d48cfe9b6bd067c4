import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generations } from "@/db/schema";
import { UNDO_MS } from "@/server/generations";
import { testServices } from "../support/services";

let services: Awaited<ReturnType<typeof testServices>>;
beforeAll(async () => {
  services = await testServices({ WORKERS: "0" });
}, 120_000);
afterAll(async () => {
  await services?.dispose();
});

const recipe = (prompt: string, seed: number) => ({
  procedure: "generate",
  modelId: "m",
  prompts: [prompt],
  steps: 2,
  guidance: 5,
  seed,
  batch: 1,
});

describe("history", () => {
  it("pages by (createdAt, id) without skipping or repeating rows created in the same millisecond", async () => {
    const same = new Date("2026-12-01T10:00:00.123Z");
    // Microseconds apart inside one millisecond, plus rows before and after.
    const rows = [
      ...Array.from({ length: 7 }, (_, k) => ({ at: new Date(same.getTime()), micro: k * 100 })),
      { at: new Date("2026-12-01T09:00:00Z"), micro: 0 },
      { at: new Date("2026-12-01T11:00:00Z"), micro: 0 },
    ];
    const ids: string[] = [];
    for (const [k, r] of rows.entries()) {
      const id = randomUUID();
      ids.push(id);
      await services.database.db.insert(generations).values({
        id,
        procedure: "generate",
        modelId: "m",
        recipe: recipe(k % 2 ? "a handwritten 7" : "a handwritten 3", k),
        status: "done",
      });
      await services.database.db.execute(
        `update generations set created_at = '${r.at.toISOString()}'::timestamptz + interval '${r.micro} microseconds' where id = '${id}'`,
      );
    }
    const seen: string[] = [];
    let cursor: { createdAt: string; id: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const items = await services.generations.list({ limit: 2, cursor });
      if (items.length === 0) break;
      seen.push(...items.map((g) => g.id));
      const last = items.at(-1)!;
      cursor = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen.length).toBe(ids.length);
    expect(new Set(seen)).toEqual(new Set(ids));

    // Filters: prompt text and seed.
    const sevens = await services.generations.list({ limit: 50, text: "HANDWRITTEN 7" });
    expect(sevens.length).toBe(4);
    const bySeed = await services.generations.list({ limit: 50, text: "7", seed: 3 });
    expect(bySeed.map((g) => g.id)).toEqual([ids[3]]);
    const inHour = await services.generations.list({
      limit: 50,
      from: "2026-12-01T09:30:00Z",
      to: "2026-12-01T10:30:00Z",
    });
    expect(inHour.length).toBe(7);
  });

  it("a delete hides the row until it is restored; an old delete is purged", async () => {
    const [first] = await services.generations.list({ limit: 1 });
    await services.generations.delete(first!.id);
    expect((await services.generations.list({ limit: 50 })).map((g) => g.id)).not.toContain(first!.id);
    expect(await services.generations.restore(first!.id)).toBe(true);
    expect((await services.generations.list({ limit: 50 })).map((g) => g.id)).toContain(first!.id);
    await services.generations.delete(first!.id);
    expect(await services.generations.purgeDeleted(Date.now() + UNDO_MS + 1000)).toBe(1);
    await expect(services.generations.restore(first!.id)).rejects.toThrow(/no generation/);
  });
});
