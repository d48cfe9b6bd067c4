import { describe, expect, it } from "vitest";
import { estimateRunSeconds } from "../src/api/run-time.js";
import { resolveConfig } from "../src/config/resolve.js";

describe("estimateRunSeconds", () => {
  it("times a run at the speed the committed model of its experiment and width was trained at", () => {
    // flow-class-d64's card: 9,370 steps of 64 images in 5,265.5 s.
    const estimate = estimateRunSeconds(resolveConfig("flow-class"), 9370);
    expect(estimate?.seconds).toBeCloseTo(5265.5, 0);
    expect(estimate?.imagesPerSecond).toBeCloseTo((9370 * 64) / 5265.5, 1);
    expect(estimate?.basis).toBe("flow-class-d64 (flow-class, D=64, batch 64): 9,370 steps in 88 min");
  });

  it("falls back to a model of the same network and width, and knows nothing of untried widths", () => {
    // flow-time-d64 (the same objective and width, trained under heavy load) is slower, but another network.
    const other = estimateRunSeconds(resolveConfig("flow-class-no-sched", { batch: 32 }), 100);
    expect(other?.basis).toMatch(/^flow-class-d64 /);
    expect(other?.seconds).toBeCloseTo((100 * 32) / other!.imagesPerSecond, 6);
    expect(estimateRunSeconds(resolveConfig("flow-class", { hidden: 128 }), 100)).toBeUndefined();
  });
});
