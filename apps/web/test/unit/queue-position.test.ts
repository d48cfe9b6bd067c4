import type { PgBoss } from "pg-boss";
import { describe, expect, it } from "vitest";
import { followedQueuePosition, queuePosition } from "@/jobs/position";

/** A pg-boss stand-in whose queue holds `ids` (the first is oldest; "urgent" has a higher priority) and counts reads. */
function fakeBoss(ids: string[]) {
  const boss = {
    reads: 0,
    async findJobs() {
      boss.reads++;
      return ids.map((id, k) => ({ id, priority: id === "urgent" ? 1 : 0, createdOn: new Date(1000 + k) }));
    },
  };
  return boss;
}

describe("queue positions", () => {
  it("are 1-based in the order workers take jobs (priority, then age), 0 once a job no longer waits", async () => {
    const boss = fakeBoss(["a", "b", "urgent"]);
    const at = (id: string) => queuePosition(boss as unknown as PgBoss, "q", id);
    expect([await at("urgent"), await at("a"), await at("b"), await at("gone")]).toEqual([1, 2, 3, 0]);
  });

  it("for followers, come from one listing of the queue however many follow it", async () => {
    const ids = Array.from({ length: 200 }, (_, k) => `job-${k}`);
    const boss = fakeBoss(ids);
    const places = await Promise.all(ids.map((id) => followedQueuePosition(boss as unknown as PgBoss, "q", id)));
    expect(places).toEqual(ids.map((_, k) => k + 1));
    expect(boss.reads).toBe(1); // it was one read per follower and poll: 200 × 200 rows a second
    await new Promise((r) => setTimeout(r, 600));
    await followedQueuePosition(boss as unknown as PgBoss, "q", "job-0");
    expect(boss.reads).toBe(2); // and stale after half a second
  });
});
