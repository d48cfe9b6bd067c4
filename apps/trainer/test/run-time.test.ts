import { describe, expect, it } from "vitest";
import { estimateRunSeconds } from "../src/api/run-time.js";

describe("estimateRunSeconds", () => {
  it("times a run at the speed the committed model of its experiment and width was trained at", () => {
    // flow-class-d64's card: 9,370 steps of 64 images in 5,265.5 s.
    const estimate = estimateRunSeconds({ experiment: "flow-class", objective: "flow", hidden: 64, batch: 64 }, 9370);
    expect(estimate?.seconds).toBeCloseTo(5265.5, 0);
    expect(estimate?.imagesPerSecond).toBeCloseTo((9370 * 64) / 5265.5, 1);
    expect(estimate?.basis).toBe("flow-class-d64 (flow-class, D=64, batch 64): 9,370 steps in 88 min");
  });

  it("falls back to a model of the same objective and width, and knows nothing of untried widths", () => {
    const other = estimateRunSeconds(
      { experiment: "flow-class-no-sched", objective: "flow", hidden: 64, batch: 32 },
      100,
    );
    expect(other?.basis).toMatch(/^flow-class-d64 /);
    expect(other?.seconds).toBeCloseTo((100 * 32) / other!.imagesPerSecond, 6);
    expect(
      estimateRunSeconds({ experiment: "flow-class", objective: "flow", hidden: 128, batch: 64 }, 100),
    ).toBeUndefined();
  });
});
