import { describe, expect, it } from "vitest";
import { ordinal, progressWording, queueWording } from "@/shared/progress-wording";
import { REPORTS_PER_RUN, reportsStep } from "@/worker/progress";

const reported = (total: number) => Array.from({ length: total }, (_, i) => i + 1).filter((s) => reportsStep(s, total));

describe("progress reports", () => {
  it.each([1, 2, 7, 10, 34, 50, 99, 1000])("reports step 1 and the last step of a %i-step run", (total) => {
    const steps = reported(total);
    expect(steps[0]).toBe(1);
    expect(steps.at(-1)).toBe(total);
  });

  it("keeps the number of reports bounded: about ten per run, plus the first step", () => {
    expect(reported(50)).toEqual([1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    for (const total of [3, 34, 50, 99, 250, 1000]) {
      expect(reported(total).length).toBeLessThanOrEqual(REPORTS_PER_RUN + 2);
    }
    // Short runs report every step.
    expect(reported(5)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("waiting and progress wording", () => {
  it.each([
    [1, "1st"],
    [2, "2nd"],
    [3, "3rd"],
    [4, "4th"],
    [11, "11th"],
    [12, "12th"],
    [13, "13th"],
    [21, "21st"],
    [22, "22nd"],
    [103, "103rd"],
    [111, "111th"],
  ])("%i is the %s", (n, word) => {
    expect(ordinal(n)).toBe(word);
  });

  it("says a waiting job's place in the queue", () => {
    expect(queueWording(3)).toBe("3rd in queue");
    expect(queueWording(1)).toBe("1st in queue");
    expect(queueWording(0)).toBe("queued");
    expect(queueWording(undefined)).toBe("queued");
  });

  it("names an SDEdit sweep's level with its steps", () => {
    expect(progressWording(1, 50)).toBe("step 1/50");
    expect(progressWording(3, 40, { index: 2, count: 4, label: "i_start = 10" })).toBe(
      "level 2 of 4, i_start = 10 · step 3/40",
    );
  });
});
