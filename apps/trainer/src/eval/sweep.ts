import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeSampler, type Sampler, type SamplerConfig } from "@diffusion-studio/core";
import { sweepPlot } from "../artifacts/sweep-plot.js";
import { readJson, writeFileAtomic, writeJsonAtomic } from "../run/files.js";
import { runPaths } from "../run/layout.js";
import { type ModelCard, modelCardMarkdown } from "../run/model-card.js";
import { samplerFor } from "../sample/generate.js";
import { type EvaluateOptions, openEvaluation, scoreSamples } from "./evaluate.js";
import type { RecordedSampling, SamplerSweep, SweepCell } from "./results.js";
import { SWEEP_GUIDANCE, SWEEP_NFE, sweepSamplers } from "./sweep-samplers.js";

export type { RecordedSampling, SamplerSweep, SweepCell };

export interface SweepOptions extends EvaluateOptions {
  /** Digits per cell (FID's bias grows as this shrinks; every cell uses the same count and the same noise). */
  readonly samplesPerCell?: number;
  readonly nfe?: readonly number[];
  readonly guidance?: readonly number[];
  readonly tolerance?: number;
  /**
   * Keep the course's sampler as the default and say why (the table and its pick are still recorded): for a model
   * whose qualifying few-step images look wrong although their FID does not show it.
   */
  readonly keepSampler?: string;
  readonly onCell?: (cell: SweepCell, done: number, total: number) => void;
}

/**
 * Quality per compute: scores every sampler at every budget (and, for class-conditioned models, every γ at the chosen
 * one), picks the fewest evaluations within `tolerance` of the baseline's FID, and records table, plot and choice in
 * the run's evaluation.json and model card (`sampling` is the choice, `sweep` the table, `sweep.png` the plot).
 */
export async function sweepGenerator(options: SweepOptions): Promise<SamplerSweep> {
  const started = Date.now();
  const samples = options.samplesPerCell ?? 1000;
  const budgets = options.nfe ?? SWEEP_NFE;
  const tolerance = options.tolerance ?? 0.05;
  for (const nfe of budgets) {
    if (!Number.isInteger(nfe) || nfe < 1 || nfe > 1000)
      throw new RangeError(`nfe must be integers in [1, 1000], got ${nfe}`);
  }
  const earlier = earlierSweep(options.run, samples);
  const ctx = await openEvaluation(options);
  try {
    const own = samplerFor(ctx.config);
    const gamma = ctx.classes ? ctx.cfgScale : undefined;
    const guidance = ctx.classes ? (options.guidance ?? SWEEP_GUIDANCE) : [];
    for (const g of guidance) if (!(g >= 0 && g <= 100)) throw new RangeError(`guidance must be in [0, 100], got ${g}`);
    const families = sweepSamplers(ctx.config);
    const total = 1 + families.length * budgets.length + guidance.filter((g) => g !== gamma).length;
    let done = 0;
    const score = async (name: string, sampler: Sampler, g: number | undefined): Promise<SweepCell> => {
      // The run's own sampler at its own γ is `evaluate`'s cell: share its cache.
      const isOwn = g === gamma && sameJson(sampler.toJSON(), own.toJSON());
      const cell = isOwn ? undefined : cellFolder(sampler, g);
      const scores = await scoreSamples(ctx, { sampler, cfgScale: g ?? ctx.cfgScale, samples, cell });
      const result: SweepCell = {
        sampler: name,
        nfe: sampler.numSteps,
        ...(g !== undefined ? { guidanceScale: g } : {}),
        ...scores,
        config: sampler.toJSON(),
      };
      options.onCell?.(result, ++done, total);
      return result;
    };
    const ownName = families.find((f) => sameJson(f.build(own.numSteps).toJSON(), own.toJSON()))?.name ?? own.name;
    const baseline = await score(ownName, own, gamma);
    const cells: SweepCell[] = [];
    let choice: SweepCell | undefined;
    // Written after every cell, so an interrupted sweep leaves its table (marked incomplete) in the card.
    const record = async (complete: boolean): Promise<SamplerSweep> => {
      const chosen = choice ?? baseline;
      const sweep: SamplerSweep = {
        samplesPerCell: samples,
        baseline,
        tolerance,
        cells,
        choice: {
          sampler: chosen.sampler,
          steps: chosen.nfe,
          ...(gamma !== undefined ? { guidanceScale: gamma } : {}),
          config: chosen.config,
        },
        complete,
        seconds: sweepSeconds(earlier, (Date.now() - started) / 1000),
        ...(options.keepSampler ? { kept: options.keepSampler } : {}),
      };
      await recordSweep(options.run, sweep);
      return sweep;
    };
    const sweepGuidance = async (at: SweepCell) => {
      const sampler = makeSampler(at.config as SamplerConfig);
      for (const g of guidance) {
        if (g === gamma) continue;
        cells.push(await score(at.sampler, sampler, g));
        await record(false);
      }
    };
    // Cheapest budgets first: the first budget with a cell within the tolerance holds the default whatever larger
    // budgets give, so its γ sweep runs right then and an interrupted sweep already has the answer.
    for (const nfe of [...budgets].sort((a, b) => a - b)) {
      for (const family of families) {
        cells.push(await score(family.name, family.build(nfe), gamma));
        await record(false);
      }
      if (choice) continue;
      const best = chooseDefault(cells, baseline, tolerance);
      if (best !== baseline) {
        choice = best;
        await sweepGuidance(best);
      }
    }
    if (!choice) {
      choice = baseline; // no budget in the grid reached it: the run's own sampler stays
      await sweepGuidance(baseline);
    }
    return await record(true);
  } finally {
    await ctx.dispose();
  }
}

/** The fewest evaluations whose FID is within `tolerance` of the baseline's (ties: the lower FID). */
export function chooseDefault(cells: readonly SweepCell[], baseline: SweepCell, tolerance: number): SweepCell {
  const limit = baseline.mnistFid * (1 + tolerance);
  const within = cells.filter((c) => c.guidanceScale === baseline.guidanceScale && c.mnistFid <= limit);
  within.sort((a, b) => a.nfe - b.nfe || a.mnistFid - b.mnistFid);
  return within[0] ?? baseline;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The sweep recorded in a run's evaluation.json, if it scored as many digits per cell as this one does. */
function earlierSweep(run: string, samplesPerCell: number): Pick<SamplerSweep, "complete" | "seconds"> | undefined {
  const file = runPaths(run).evaluation;
  const sweep = existsSync(file) ? readJson<{ sweep?: SamplerSweep }>(file).sweep : undefined;
  return sweep?.samplesPerCell === samplesPerCell ? sweep : undefined;
}

/**
 * The wall time a sweep took, over the runs that computed it: a run that resumes an interrupted sweep adds its time
 * to the earlier runs'; one that re-reads a finished sweep from the cache keeps the time it took (the longer of the
 * two, in case the cache was gone and it all ran again).
 */
export function sweepSeconds(earlier: Pick<SamplerSweep, "complete" | "seconds"> | undefined, elapsed: number): number {
  const seconds = !earlier
    ? elapsed
    : earlier.complete
      ? Math.max(earlier.seconds, elapsed)
      : earlier.seconds + elapsed;
  return Math.round(seconds);
}

/** A cache folder per sampler config and γ, readable and collision-free. */
function cellFolder(sampler: Sampler, g: number | undefined): string {
  const json = JSON.stringify(sampler.toJSON());
  const hash = createHash("sha256").update(json).digest("hex").slice(0, 8);
  return `sweep-${sampler.name}-${sampler.numSteps}${g === undefined ? "" : `-g${g}`}-${hash}`;
}

/** Writes the sweep into evaluation.json and the model card, and its plot beside them. */
async function recordSweep(dir: string, sweep: SamplerSweep): Promise<void> {
  const paths = runPaths(dir);
  const { png } = await sweepPlot(sweep);
  writeFileAtomic(path.join(dir, "sweep.png"), png);
  const previous = existsSync(paths.evaluation) ? readJson<Record<string, unknown>>(paths.evaluation) : {};
  writeJsonAtomic(paths.evaluation, { ...previous, sweep });
  if (existsSync(paths.cardJson)) {
    const { sampling: _recorded, ...card } = readJson<ModelCard>(paths.cardJson);
    const updated: ModelCard = {
      ...card,
      // A kept default is the course's: no `sampling`, so the policy falls back to it.
      ...(sweep.kept ? {} : { sampling: sweep.choice }),
      sweep,
      artifacts: { ...card.artifacts, sweepPlot: "sweep.png" },
    };
    writeJsonAtomic(paths.cardJson, updated);
    writeFileSync(paths.cardMarkdown, modelCardMarkdown(updated));
  }
}
