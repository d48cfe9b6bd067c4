import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateGenerator } from "../src/eval/evaluate.js";
import { guidanceTradeOff } from "../src/eval/guidance-trade-off.js";
import { chooseDefault, type SweepCell, sweepGenerator, sweepSeconds } from "../src/eval/sweep.js";
import { runPaths } from "../src/run/layout.js";
import { testSet, trained } from "./helpers.js";

const cell = (sampler: string, nfe: number, mnistFid: number, guidanceScale = 5): SweepCell => ({
  sampler,
  nfe,
  mnistFid,
  guidanceScale,
  predictedDigitCounts: [],
  config: {},
});

describe("the default sampler from a sweep", () => {
  const baseline = cell("flow-euler", 50, 100);

  it("is the fewest evaluations within the tolerance of the baseline's FID, at the baseline's γ", () => {
    const cells = [
      cell("flow-euler", 8, 130),
      cell("flow-heun", 7, 106),
      cell("flow-dpm-solver", 8, 101),
      cell("flow-dpm-solver", 6, 104, 3), // another γ never counts
      cell("flow-dpm-solver", 12, 99),
    ];
    expect(chooseDefault(cells, baseline, 0.05)).toMatchObject({ sampler: "flow-dpm-solver", nfe: 8 });
    expect(chooseDefault(cells, baseline, 0.1)).toMatchObject({ sampler: "flow-heun", nfe: 7 });
  });

  it("ties on evaluations go to the lower FID, and with nothing within reach it is the baseline", () => {
    expect(chooseDefault([cell("a", 8, 104), cell("b", 8, 102)], baseline, 0.05).sampler).toBe("b");
    expect(chooseDefault([cell("a", 8, 200)], baseline, 0.05)).toBe(baseline);
  });
});

describe("a sweep's recorded time", () => {
  it("adds up over the runs that resume it, and a re-read of a finished one from the cache keeps its time", () => {
    expect(sweepSeconds(undefined, 600.4)).toBe(600);
    expect(sweepSeconds({ complete: false, seconds: 5124 }, 575)).toBe(5699);
    expect(sweepSeconds({ complete: true, seconds: 984 }, 7)).toBe(984);
    expect(sweepSeconds({ complete: true, seconds: 984 }, 1200)).toBe(1200);
  });
});

describe("the guidance trade-off in words", () => {
  // flow-class-d64's γ cells (DPM-Solver++(2M), 8 NFE): FID, share read as asked, worst digit.
  const guided = (guidanceScale: number, mnistFid: number, accuracy: number, worst: number): SweepCell => ({
    ...cell("flow-dpm-solver", 8, mnistFid, guidanceScale),
    sampleAccuracy: accuracy,
    perDigitSampleAccuracy: [worst, ...Array<number>(9).fill(accuracy)],
  });
  const cells = [
    guided(0, 268.8, 0.088, 0.02),
    guided(1, 32.3, 0.94, 0.84),
    guided(2, 120.2, 1, 1),
    guided(3, 221.2, 1, 1),
    guided(5, 360.4, 1, 1),
    guided(7, 454.9, 1, 1),
  ];

  it("names the lowest FID, the smallest γ that reads every digit, the rise above it and the default's price", () => {
    const text = guidanceTradeOff(cells, 5);
    expect(text).toContain("Lowest FID: γ = 1 (FID 32.3, 94.0 % read as asked, worst digit 84.0 %)");
    expect(text).toContain("smallest γ with every digit ≥ 95.0 %: γ = 2 (FID 120.2");
    expect(text).toContain("Above it, FID only rises with γ (digits grow more alike): 120.2 → 221.2 → 360.4 → 454.9.");
    expect(text).not.toContain("falls back");
    expect(text).toContain(
      "default γ = 5 (FID 360.4, 100.0 % read as asked, worst digit 100.0 %) pays 3.0× γ = 2's FID",
    );
  });

  it("says when the lowest FID already reads every digit", () => {
    const d32 = [guided(1, 163.1, 0.774, 0.6), guided(2, 98.6, 0.986, 0.96), guided(3, 191.5, 1, 1)];
    expect(guidanceTradeOff(d32, 2)).toBe(
      "**Trade-off.** Lowest FID: γ = 2 (FID 98.6, 98.6 % read as asked, worst digit 96.0 %). It is also the smallest γ with every digit ≥ 95.0 %. Above it, FID only rises with γ (digits grow more alike): 98.6 → 191.5.",
    );
  });

  it("says where more guidance reads a digit worse again (ddpm-class-cosine-d32 at γ = 7)", () => {
    const ddpm = [guided(2, 188.4, 0.974, 0.92), guided(3, 259.8, 0.99, 0.96), guided(7, 658.4, 0.972, 0.86)];
    expect(guidanceTradeOff(ddpm, 3)).toContain("At γ = 7 the worst digit falls back to 86.0 %.");
  });

  it("says so when no γ reads every digit, and says nothing without two γ", () => {
    expect(guidanceTradeOff(cells.slice(0, 2), 1)).toContain("No γ swept reads every digit as asked ≥ 95.0 %.");
    expect(guidanceTradeOff(cells.slice(0, 1), 0)).toBe("");
    expect(
      guidanceTradeOff(
        [cell("flow-euler", 50, 90.6, Number.NaN)].map(({ guidanceScale, ...c }) => c),
        undefined,
      ),
    ).toBe("");
  });
});

describe("evaluate --sweep", () => {
  it("scores sampler × NFE and γ on the same noise, shares evaluate's cache, and records table, plot and choice", async () => {
    const base = { hidden: 4, batch: 16, trainExamples: 160, epochs: 1 };
    const classifier = await trained("classifier", base);
    const generator = await trained("flow-class", { ...base, "samples.count": 10, "flow.sampleSteps": 4 });
    const common = { run: generator, classifier, chunk: 20, threads: 1, testSet: await testSet() };
    // The run's own sampler (Euler, 4 steps, γ = 5) is evaluate's cell: the sweep reads its chunk.
    const plain = await evaluateGenerator({ ...common, samples: 20 });
    const sweep = await sweepGenerator({ ...common, samplesPerCell: 20, nfe: [2, 4], guidance: [0, 5] });

    expect(sweep.baseline).toMatchObject({ sampler: "flow-euler", nfe: 4, guidanceScale: 5, mnistFid: plain.mnistFid });
    // Cheapest budget first, every family at each: the default is known before the larger budgets run.
    const atGamma = sweep.cells.filter((c) => c.guidanceScale === 5).map((c) => `${c.sampler}@${c.nfe}`);
    expect(atGamma).toEqual([
      "flow-euler@2",
      "flow-heun@1",
      "flow-dpm-solver@2",
      "flow-euler@4",
      "flow-heun@3",
      "flow-dpm-solver@4",
    ]);
    expect(sweep.complete).toBe(true);
    // Euler at 4 is the baseline itself: the same digits, the same score.
    expect(sweep.cells.find((c) => c.sampler === "flow-euler" && c.nfe === 4)!.mnistFid).toBe(plain.mnistFid);
    // γ = 0 is unconditional sampling at the chosen sampler and budget.
    const unguided = sweep.cells.filter((c) => c.guidanceScale === 0);
    expect(unguided).toHaveLength(1);
    expect(unguided[0]).toMatchObject({ sampler: sweep.choice.sampler, nfe: sweep.choice.steps });
    expect(sweep.choice).toEqual({
      sampler: expect.any(String),
      steps: expect.any(Number),
      guidanceScale: 5,
      config: expect.objectContaining({ type: sweep.choice.sampler }),
    });
    const chosen = sweep.cells.find((c) => c.sampler === sweep.choice.sampler && c.nfe === sweep.choice.steps)!;
    expect(chosen.mnistFid).toBeLessThanOrEqual(sweep.baseline.mnistFid * 1.05);

    const card = JSON.parse(readFileSync(runPaths(generator).cardJson, "utf8"));
    expect(card.sampling).toEqual(sweep.choice);
    expect(card.sweep.cells).toHaveLength(7);
    expect(card.artifacts.sweepPlot).toBe("sweep.png");
    const evaluation = JSON.parse(readFileSync(runPaths(generator).evaluation, "utf8"));
    expect(evaluation.sweep.choice).toEqual(sweep.choice);
    expect(evaluation.mnistFid).toBe(plain.mnistFid); // evaluate's own numbers stay
    const markdown = readFileSync(runPaths(generator).cardMarkdown, "utf8");
    expect(markdown).toContain("## Quality per compute");
    // Columns are the budgets; Heun's 2N − 1 evaluations stand in brackets under the budget they fit.
    expect(markdown).toContain("| sampler | 2 | 4 |");
    expect(markdown).toMatch(/\| flow-heun \| [\d.]+, [\d.]+ % \(1\) \| [\d.]+, [\d.]+ % \(3\) \|/);
    expect(markdown).toContain("![quality per compute](sweep.png)");
    // Kept: the same table from the cache, but the card records no default, so the policy runs the course's.
    const kept = await sweepGenerator({
      ...common,
      samplesPerCell: 20,
      nfe: [2, 4],
      guidance: [0, 5],
      keepSampler: "its few-step digits are speckled",
    });
    expect(kept.choice).toEqual(sweep.choice);
    const keptCard = JSON.parse(readFileSync(runPaths(generator).cardJson, "utf8"));
    expect(keptCard.sampling).toBeUndefined();
    expect(keptCard.sweep.kept).toBe("its few-step digits are speckled");
    expect(readFileSync(runPaths(generator).cardMarkdown, "utf8")).toContain(
      "**Default**: the course's flow-euler, 4 NFE, kept (no `sampling` in model-card.json).",
    );
    const png = readFileSync(path.join(generator, "sweep.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");

    // Every cell is cached: a second sweep generates nothing and gives the same table.
    const cache = readdirSync(path.join(generator, "eval"));
    expect(cache).toHaveLength(1);
    const again = await sweepGenerator({ ...common, samplesPerCell: 20, nfe: [2, 4], guidance: [0, 5] });
    expect(again.cells).toEqual(sweep.cells);
  }, 120_000);

  it("refuses budgets outside [1, 1000] by name", async () => {
    await expect(sweepGenerator({ run: "nowhere", classifier: "x", nfe: [0] })).rejects.toThrow(
      "nfe must be integers in [1, 1000], got 0",
    );
  });
});
