import type { z } from "zod";
import { experimentNames, experiments } from "./experiments.js";
import { type ExperimentConfig, experimentConfigSchema } from "./schema.js";

export interface ConfigProblem {
  /** Dotted path of the field, e.g. "flow.cfgScale". */
  readonly field: string;
  /** What is allowed, e.g. "must be an integer in [1, 512], got 1000". */
  readonly message: string;
}

/** A config that cannot run. The message lists every problem, one per line, each naming its field. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join("\n"));
    this.name = "ConfigError";
  }
}

/** Overrides by dotted field path (`{ "epochs": 2, "flow.cfgScale": 3 }`). */
export type ConfigOverrides = Readonly<Record<string, unknown>>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function problemsOf(error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.map((issue) => {
    const field = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      const known = Object.keys((valueAt(input, issue.path) ?? {}) as object).filter((k) => !issue.keys.includes(k));
      return {
        field: issue.keys.map((k) => (field ? `${field}.${k}` : k)).join(", "),
        message: `unknown field; known fields here: ${known.join(", ")}`,
      };
    }
    const value = valueAt(input, issue.path);
    const got = value === undefined ? "it is missing" : `got ${JSON.stringify(value)}`;
    return { field, message: `${issue.message}, ${got}` };
  });
}

/** Validates a complete config (e.g. one read back from a run directory). */
export function validateConfig(input: unknown): ExperimentConfig {
  const result = experimentConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(problemsOf(result.error, input));
  const config = result.data;
  if (config.batch > config.trainExamples) {
    throw new ConfigError([
      { field: "batch", message: `must be at most trainExamples (${config.trainExamples}), got ${config.batch}` },
    ]);
  }
  return config;
}

/** Returns a copy of `base` with `value` set at the dotted `field`; the path's parents must already exist. */
function withField(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = field.split(".");
  if (!head) throw new ConfigError([{ field, message: "empty field name" }]);
  if (rest.length === 0) return { ...base, [head]: value };
  const child = base[head];
  if (child === null || typeof child !== "object" || Array.isArray(child)) {
    const known = Object.keys(base).join(", ");
    const message = head in base ? `${head} has no sub-fields` : `unknown field; known fields here: ${known}`;
    throw new ConfigError([{ field, message }]);
  }
  return { ...base, [head]: withField(child as Record<string, unknown>, rest.join("."), value) };
}

/**
 * The config of the named experiment with `overrides` applied, validated. Changing `epochs` keeps the exponential
 * schedule's tenfold decay over the (new) run, as the course's γ = 0.1^(1/epochs) does.
 */
export function resolveConfig(name: string, overrides: ConfigOverrides = {}): ExperimentConfig {
  const base = experiments[name];
  if (!base) {
    throw new ConfigError([
      { field: "experiment", message: `unknown experiment "${name}"; one of ${experimentNames.join(", ")}` },
    ]);
  }
  let merged: Record<string, unknown> = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(overrides)) {
    if (field === "experiment" || field === "objective") {
      throw new ConfigError([{ field, message: "cannot be overridden; pick another experiment instead" }]);
    }
    merged = withField(merged, field, value);
  }
  return validateConfig(merged);
}

/** γ of the per-epoch exponential schedule (1 for a constant rate). */
export function lrGamma(config: Pick<ExperimentConfig, "lrSchedule" | "epochs">): number {
  return config.lrSchedule.kind === "exponential" ? config.lrSchedule.finalFactor ** (1 / config.epochs) : 1;
}

/** The learning rate during `epoch` (0-based), as PyTorch's ExponentialLR stepped after each epoch gives it. */
export function lrAtEpoch(config: Pick<ExperimentConfig, "lrSchedule" | "epochs" | "lr">, epoch: number): number {
  return config.lr * lrGamma(config) ** epoch;
}

/**
 * Parses a command-line value: JSON when it parses (numbers, booleans, arrays, objects), otherwise the raw string,
 * so `--set flow.conditioning=class` needs no quotes.
 */
export function parseOverrideValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Parses `field=value` assignments from the command line. */
export function parseAssignments(assignments: readonly string[]): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
      throw new ConfigError([{ field: assignment, message: 'expected field=value, e.g. "flow.cfgScale=3"' }]);
    }
    overrides[assignment.slice(0, eq).trim()] = parseOverrideValue(assignment.slice(eq + 1).trim());
  }
  return overrides;
}
