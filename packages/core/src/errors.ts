import type { CancelSignal } from "./denoiser.js";
import type { ImageBatch } from "./tensor.js";

/** Formats a value for an error message (arrays and shapes stay readable). */
function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  /** Whether `min`/`max` themselves are allowed (default true). */
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
  readonly integer?: boolean;
}

function describeRange(rule: NumberRule): string {
  const kind = rule.integer ? "an integer" : "a finite number";
  const lo = rule.min === undefined ? undefined : `${rule.exclusiveMin ? ">" : "≥"} ${rule.min}`;
  const hi = rule.max === undefined ? undefined : `${rule.exclusiveMax ? "<" : "≤"} ${rule.max}`;
  if (rule.min !== undefined && rule.max !== undefined) {
    const open = rule.exclusiveMin ? "(" : "[";
    const close = rule.exclusiveMax ? ")" : "]";
    return `${kind} in ${open}${rule.min}, ${rule.max}${close}`;
  }
  return [kind, lo ?? hi].filter(Boolean).join(" ");
}

/** Throws a RangeError naming `name`, the value and the allowed range unless `value` satisfies `rule`. */
export function checkNumber(name: string, value: number, rule: NumberRule = {}): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.exclusiveMin ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || (rule.exclusiveMax ? value < rule.max : value <= rule.max));
  if (!ok) throw new RangeError(`\`${name}\` must be ${describeRange(rule)} (got ${show(value)})`);
  return value;
}

/** Throws unless the batch has a valid [B, C, H, W] shape whose product matches its data length. */
export function checkBatch(name: string, batch: ImageBatch): ImageBatch {
  const shape = batch?.shape;
  if (shape?.length !== 4 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`\`${name}\` must have a shape [B, C, H, W] of positive integers (got ${show(shape)})`);
  }
  const expected = shape[0] * shape[1] * shape[2] * shape[3];
  if (!(batch.data instanceof Float32Array) || batch.data.length !== expected) {
    throw new RangeError(
      `\`${name}\` data must be a Float32Array of length ${expected} for shape ${show(shape)} (got ${batch.data?.length})`,
    );
  }
  return batch;
}

/** Throws unless every element is finite; names the first bad index. */
export function checkFinite(name: string, batch: ImageBatch): ImageBatch {
  checkBatch(name, batch);
  const d = batch.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new RangeError(`\`${name}\` must contain only finite values (element ${i} is ${d[i]})`);
    }
  }
  return batch;
}

/** Throws unless `batch.shape` equals `expected`. */
export function checkShape(name: string, batch: ImageBatch, expected: readonly number[]): ImageBatch {
  checkBatch(name, batch);
  if (batch.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(`\`${name}\` must have shape ${show(expected)} (got ${show(batch.shape)})`);
  }
  return batch;
}

/** Throws a RangeError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) {
    throw new RangeError(`\`${name}\` must be one of ${allowed.map((a) => `"${a}"`).join(", ")} (got ${show(value)})`);
  }
  return value;
}

/** For exhaustive switches over string-literal unions. */
export function assertNever(name: string, value: never): never {
  // Configs are switched on their `type` field; report that rather than "[object Object]".
  const v: unknown = value;
  const shown = typeof v === "object" && v !== null && "type" in v ? v.type : v;
  throw new RangeError(`unknown \`${name}\`: ${show(shown)}`);
}

/** Thrown when a `CancelSignal` is aborted; `name` is "AbortError" like the DOM's. */
export class AbortError extends Error {
  override readonly name = "AbortError";
  constructor(readonly reason?: unknown) {
    super(reason instanceof Error ? `aborted: ${reason.message}` : "aborted");
  }
}

export function throwIfAborted(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(signal.reason);
}
