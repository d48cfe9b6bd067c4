import { describe, expect, it } from "vitest";
import { formatDuration, stateDetail } from "@/app/training/run-state";

describe("training form wording", () => {
  it.each([
    [0.2, "≈ 1 s"],
    [42, "≈ 42 s"],
    [89, "≈ 89 s"],
    [90, "≈ 2 min"],
    [26 * 60 + 10, "≈ 26 min"],
    [5265.5, "≈ 1 h 28 min"],
  ])("%f s reads %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("says a queued run's place as the generations do", () => {
    expect(stateDetail({ state: "queued", position: 2, worker: null })).toBe("2nd in queue");
    expect(stateDetail({ state: "queued", position: null, worker: null })).toBe("waiting for a worker");
  });
});
