/**
 * The fused train-mode BatchNorm + GELU that every UNet block uses (`batchNorm2dTrain(…, withGelu = true)`: the BN
 * node emits z/√2 and the backward folds GELU's √½ into BN's per-channel factors) against finite differences of
 * GELU(BN(x)) in float64, like every other op in op-gradients.test.ts.
 */
import { describe, expect, it } from "vitest";
import { batchNorm2dTrain } from "../src/ops/norm.js";
import { check } from "./gradient-check.js";
import * as ref from "./reference-ops.js";

describe("per-op gradients: fused BatchNorm + GELU", () => {
  it.each([
    { name: "one batch of 3×2×3×3", x: [3, 2, 3, 3] as const },
    { name: "a larger batch with more channels (4×3×5×5)", x: [4, 3, 5, 5] as const },
  ])("batchNorm2dTrain(withGelu) matches GELU(BN(x)) for x, γ and β: $name", async ({ x }) => {
    const c = x[1];
    const worst = await check({
      name: "batchNorm2d + gelu (train, fused)",
      inputs: { x, gamma: [c], beta: [c] },
      build: (b, i) => {
        const stats = b.constant(new Array(c).fill(0), [c]);
        return batchNorm2dTrain(b, i.x!, i.gamma!, i.beta!, stats, stats, undefined, true).y;
      },
      reference: (i) => ref.gelu(ref.batchNorm(i.x!, i.gamma!, i.beta!)),
    });
    expect(worst).toBeLessThan(1e-4);
  });
});
