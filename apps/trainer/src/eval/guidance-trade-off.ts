import type { SweepCell } from "./results.js";

/** A class counts as "read as asked" for the trade-off when every digit reaches this share (the issues' bar). */
export const DIGIT_BAR = 0.95;

/** A share as the cards print it: "98.6 %". */
export const percent = (v: number) => `${(v * 100).toFixed(1)} %`;
/** The least share of any digit read as asked (0 without per-digit scores). */
export const worstDigit = (c: SweepCell) => Math.min(...(c.perDigitSampleAccuracy ?? [0]));

/**
 * The guidance trade-off a sweep shows, in one paragraph of plain facts read off its γ cells (one sampler, one
 * budget): where FID is lowest, the smallest γ at which every digit is read as asked ≥ 95 %, what the default γ
 * costs in FID against that, and whether FID only rises above it. Empty for fewer than two γ.
 */
export function guidanceTradeOff(cells: readonly SweepCell[], defaultGamma: number | undefined): string {
  const byGamma = cells
    .filter((c) => c.guidanceScale !== undefined)
    .sort((a, b) => a.guidanceScale! - b.guidanceScale!);
  if (byGamma.length < 2) return "";
  const describe = (c: SweepCell) =>
    `γ = ${c.guidanceScale} (FID ${c.mnistFid.toFixed(1)}, ${percent(c.sampleAccuracy ?? 0)} read as asked, worst digit ${percent(worstDigit(c))})`;
  const best = byGamma.reduce((a, b) => (b.mnistFid < a.mnistFid ? b : a));
  const sentences = [`Lowest FID: ${describe(best)}.`];
  const clean = byGamma.find((c) => worstDigit(c) >= DIGIT_BAR);
  if (!clean) {
    sentences.push(`No γ swept reads every digit as asked ≥ ${percent(DIGIT_BAR)}.`);
  } else {
    if (clean === best) sentences.push(`It is also the smallest γ with every digit ≥ ${percent(DIGIT_BAR)}.`);
    else sentences.push(`The smallest γ with every digit ≥ ${percent(DIGIT_BAR)}: ${describe(clean)}.`);
    const above = byGamma.filter((c) => c.guidanceScale! >= clean.guidanceScale!);
    const rising = above.every((c, i) => i === 0 || c.mnistFid > above[i - 1]!.mnistFid);
    if (rising && above.length > 1) {
      sentences.push(
        `Above it, FID only rises with γ (digits grow more alike): ${above.map((c) => c.mnistFid.toFixed(1)).join(" → ")}.`,
      );
    }
    for (const c of above) {
      if (worstDigit(c) < DIGIT_BAR) {
        sentences.push(`At γ = ${c.guidanceScale} the worst digit falls back to ${percent(worstDigit(c))}.`);
      }
    }
  }
  const chosen = byGamma.find((c) => c.guidanceScale === defaultGamma);
  if (chosen && chosen !== best && chosen !== clean) {
    sentences.push(
      `The default ${describe(chosen)}${clean ? ` pays ${(chosen.mnistFid / clean.mnistFid).toFixed(1)}× γ = ${clean.guidanceScale}'s FID for its certainty` : ""}.`,
    );
  }
  return `**Trade-off.** ${sentences.join(" ")}`;
}
