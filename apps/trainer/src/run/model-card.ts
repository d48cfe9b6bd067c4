import type { ExperimentConfig } from "../config/schema.js";
import { guidanceTradeOff, percent, worstDigit } from "../eval/guidance-trade-off.js";
import type { RecordedSampling, SamplerSweep } from "../eval/results.js";

/** The run's model card: what was trained, on what, for how long, how well. Written as JSON and as Markdown. */
export interface ModelCard {
  readonly format: "diffusion-studio.trainer-card/1";
  readonly name: string;
  readonly experiment: string;
  readonly experimentVersion: number;
  readonly description: string;
  /** The engine's model kind (e.g. "flow-class") and width. */
  readonly modelKind: string;
  readonly hidden: number;
  readonly parameterCount: number | null;
  readonly data: { readonly source: string; readonly split: string; readonly examples: number };
  readonly training: {
    readonly epochs: number;
    readonly steps: number;
    readonly batch: number;
    readonly lr: number;
    readonly lrSchedule: string;
    readonly seed: number;
    /** Seconds of training, summed over resumed sessions. */
    readonly wallTime: number;
    /** Mean loss over the last epoch (or the last steps when shorter). */
    readonly finalLoss: number;
    readonly engine: string;
  };
  readonly evaluation: Readonly<Record<string, number | readonly number[] | string>>;
  readonly config: ExperimentConfig;
  /** Paths relative to the run directory. */
  readonly artifacts: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly notes: readonly string[];
  /** The default sampler, steps (model evaluations) and γ, picked by `evaluate --sweep`; the sampling policy reads it. */
  readonly sampling?: RecordedSampling;
  /** `evaluate --sweep`'s table: MNIST-FID and accuracy per sampler × NFE (× γ). */
  readonly sweep?: SamplerSweep;
}

function describeSchedule(config: ExperimentConfig): string {
  if (config.lrSchedule.kind === "constant") return "constant";
  const gamma = config.lrSchedule.finalFactor ** (1 / config.epochs);
  return `ExponentialLR per epoch, γ = ${config.lrSchedule.finalFactor}^(1/${config.epochs}) = ${gamma.toPrecision(6)}`;
}

export function scheduleDescription(config: ExperimentConfig): string {
  return describeSchedule(config);
}

function formatValue(value: number | readonly number[] | string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return value.map((v) => (Number.isInteger(v) ? String(v) : v.toPrecision(3))).join(", ");
}

export function modelCardMarkdown(card: ModelCard): string {
  const t = card.training;
  const lines = [
    `# ${card.name}`,
    "",
    card.description,
    "",
    "| | |",
    "|---|---|",
    `| experiment | \`${card.experiment}\` v${card.experimentVersion} |`,
    `| model | \`${card.modelKind}\`, D = ${card.hidden}${card.parameterCount ? `, ${card.parameterCount.toLocaleString("en-US")} parameters` : ""} |`,
    `| data | ${card.data.source}, ${card.data.split} split, ${card.data.examples.toLocaleString("en-US")} examples |`,
    `| training | ${t.epochs} epoch${t.epochs === 1 ? "" : "s"}, ${t.steps.toLocaleString("en-US")} steps, batch ${t.batch}, Adam lr ${t.lr}, ${t.lrSchedule}, seed ${t.seed} |`,
    `| wall time | ${(t.wallTime / 60).toFixed(1)} min on ${t.engine} |`,
    `| final loss | ${t.finalLoss.toPrecision(4)} (mean over the last epoch) |`,
    "",
    "## Evaluation",
    "",
  ];
  const evaluation = Object.entries(card.evaluation);
  if (evaluation.length === 0) lines.push("Not evaluated yet.");
  else {
    lines.push("| metric | value |", "|---|---|");
    for (const [key, value] of evaluation) lines.push(`| ${key} | ${formatValue(value)} |`);
  }
  if (card.sweep) lines.push(...sweepMarkdown(card.sweep));
  lines.push("", "## Artifacts", "");
  for (const [label, file] of Object.entries(card.artifacts)) lines.push(`- ${label}: \`${file}\``);
  if (card.artifacts.finalGrid) lines.push("", `![samples after the last epoch](${card.artifacts.finalGrid})`);
  if (card.notes.length > 0) {
    lines.push("", "## Notes", "");
    for (const note of card.notes) lines.push(`- ${note}`);
  }
  lines.push("", "## Config", "", "```json", JSON.stringify(card.config, null, 2), "```", "");
  return lines.join("\n");
}

/** The sweep as tables: FID (and accuracy) per sampler × NFE, then per γ, with the chosen default. */
function sweepMarkdown(sweep: SamplerSweep): string[] {
  const { baseline, choice } = sweep;
  const gamma = baseline.guidanceScale;
  const atGamma = sweep.cells.filter((c) => c.guidanceScale === gamma);
  // Columns are the budgets (the baseline family's step counts); Heun's 2N − 1 evaluations go under the budget they fit.
  const reference = atGamma.filter((c) => c.sampler === baseline.sampler);
  const budgets = [...new Set((reference.length > 0 ? reference : atGamma).map((c) => c.nfe))].sort((a, b) => a - b);
  const column = (nfe: number) => budgets.find((b) => b >= nfe) ?? budgets.at(-1)!;
  const samplers = [...new Set(atGamma.map((c) => c.sampler))];
  const lines = [
    "",
    "## Quality per compute",
    "",
    ...(sweep.complete ? [] : ["**Partial**: the sweep was interrupted; the table holds the cells done so far.", ""]),
    `MNIST-FID${gamma === undefined ? "" : " and the share of digits read as asked"} of ${sweep.samplesPerCell.toLocaleString("en-US")} digits per cell, the same noise in every cell${gamma === undefined ? "" : `, γ = ${gamma} (each evaluation runs both CFG branches)`}. Columns: model evaluations per image (NFE); Heun takes 2N − 1, in brackets where below the column. Baseline: ${baseline.sampler}, ${baseline.nfe} NFE, FID ${baseline.mnistFid.toFixed(1)}. FID reads higher on fewer digits, so compare the cells with one another, not with \`mnistFid\` above when it used more.`,
    "",
    `| sampler | ${budgets.join(" | ")} |`,
    `|---|${budgets.map(() => "---").join("|")}|`,
  ];
  for (const name of samplers) {
    const row = budgets.map((budget) => {
      const c = atGamma.find((x) => x.sampler === name && column(x.nfe) === budget);
      if (!c) return "";
      const accuracy = c.sampleAccuracy === undefined ? "" : `, ${percent(c.sampleAccuracy)}`;
      return `${c.mnistFid.toFixed(1)}${accuracy}${c.nfe === budget ? "" : ` (${c.nfe})`}`;
    });
    lines.push(`| ${name} | ${row.join(" | ")} |`);
  }
  const guided = sweep.cells.filter(
    (c) => c.sampler === choice.sampler && c.nfe === choice.steps && c.guidanceScale !== undefined,
  );
  if (guided.length > 1) {
    guided.sort((a, b) => a.guidanceScale! - b.guidanceScale!);
    lines.push(
      "",
      `Guidance at ${choice.sampler}, ${choice.steps} NFE:`,
      "",
      "| γ | MNIST-FID | read as asked | worst digit |",
      "|---|---|---|---|",
    );
    for (const c of guided) {
      lines.push(
        `| ${c.guidanceScale} | ${c.mnistFid.toFixed(1)} | ${percent(c.sampleAccuracy ?? 0)} | ${percent(worstDigit(c))} |`,
      );
    }
    lines.push("", guidanceTradeOff(guided, choice.guidanceScale));
  }
  const pick = `${choice.sampler}, ${choice.steps} NFE${choice.guidanceScale === undefined ? "" : `, γ = ${choice.guidanceScale}`}`;
  const within = `the fewest evaluations within ${Math.round(sweep.tolerance * 100)} % of the baseline's FID`;
  const minutes = `sweep: ${Math.round(sweep.seconds / 60)} min`;
  lines.push(
    "",
    sweep.kept
      ? `**Default**: the course's ${baseline.sampler}, ${baseline.nfe} NFE, kept (no \`sampling\` in model-card.json). ${within[0]!.toUpperCase()}${within.slice(1)} is ${pick}, but ${sweep.kept} (${minutes}).`
      : `**Default** (\`sampling\` in model-card.json): ${pick} — ${within} (${minutes}).`,
    "",
    "![quality per compute](sweep.png)",
  );
  return lines;
}
