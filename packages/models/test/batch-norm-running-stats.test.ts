/**
 * Train-mode BatchNorm's running statistics, worked out by hand on a tiny batch: PyTorch's update (momentum 0.1, the
 * unbiased batch variance), and fed running-stat tensors that stay untouched. ORT's training-mode
 * BatchNormalization kernel writes its running outputs into its running-stat inputs, so `batchNorm2dTrain` gives the
 * node private ones; fed straight in, the step would overwrite the caller's tensors and update from the wrong values.
 */
import { expect, it } from "vitest";
import { GraphBuilder } from "../src/graph/builder.js";
import { serializeGraph } from "../src/graph/serialize.js";
import { batchNorm2dTrain } from "../src/ops/norm.js";
import { runtime } from "./helpers.js";

it("updates the running statistics by PyTorch's rule and leaves the fed ones as they were", async () => {
  const shape = [2, 2, 1, 3];
  const b = new GraphBuilder();
  const x = b.input("x", shape);
  const perChannel = (name: string) => b.input(name, [2]);
  const bn = batchNorm2dTrain(b, x, perChannel("gamma"), perChannel("beta"), perChannel("mean"), perChannel("var"));
  b.output(bn.y, "y");
  b.output(bn.newRunningMean, "newMean");
  b.output(bn.newRunningVar, "newVar");
  const session = await runtime.createSession(serializeGraph(b));

  // Channel 0 holds 1, 2, 3, 7, 8, 9 (mean 5), channel 1 holds 4, 5, 6, 10, 11, 12 (mean 8); both have the squared
  // deviations 16 + 9 + 4 + 4 + 9 + 16 = 58: biased variance 58/6, unbiased 58/5.
  const fedMean = Float32Array.from([100, -100]);
  const fedVar = Float32Array.from([50, 2]);
  const out = await session.run({
    x: runtime.tensor(
      Float32Array.from({ length: 12 }, (_, i) => i + 1),
      shape,
    ),
    gamma: runtime.tensor(Float32Array.from([1, 2]), [2]),
    beta: runtime.tensor(Float32Array.from([0, 1]), [2]),
    mean: runtime.tensor(fedMean, [2]),
    var: runtime.tensor(fedVar, [2]),
  });

  const newMean = out.newMean!.data as Float32Array;
  const newVar = out.newVar!.data as Float32Array;
  expect(newMean[0]).toBeCloseTo(0.9 * 100 + 0.1 * 5, 4);
  expect(newMean[1]).toBeCloseTo(0.9 * -100 + 0.1 * 8, 4);
  expect(newVar[0]).toBeCloseTo(0.9 * 50 + 0.1 * (58 / 5), 4);
  expect(newVar[1]).toBeCloseTo(0.9 * 2 + 0.1 * (58 / 5), 4);
  expect([...fedMean]).toEqual([100, -100]);
  expect([...fedVar]).toEqual([50, 2]);
  const rstd = 1 / Math.sqrt(58 / 6 + 1e-5);
  const y = out.y!.data as Float32Array;
  expect(y[0]).toBeCloseTo((1 - 5) * rstd, 5); // channel 0: γ = 1, β = 0
  expect(y[3]).toBeCloseTo((4 - 8) * rstd * 2 + 1, 5); // channel 1: γ = 2, β = 1
});
