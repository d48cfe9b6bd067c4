import type { ExperimentConfig } from "../config/schema.js";

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
