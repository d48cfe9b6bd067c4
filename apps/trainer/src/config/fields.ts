import { z } from "zod";

/**
 * Field builders whose every failure message states the allowed range, so that a bad override reads
 * "hidden: must be an integer in [1, 512], got 1000" (the path and the value are added by `ConfigError`).
 */
export function intIn(min: number, max: number) {
  const rule = `must be an integer in [${min}, ${max}]`;
  return z.number({ error: rule }).int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
}

/** A finite number in [min, max] (or (min, max] when `minExclusive`). */
export function numberIn(min: number, max: number, { minExclusive = false } = {}) {
  const rule = `must be a number in ${minExclusive ? "(" : "["}${min}, ${max}]`;
  const base = z.number({ error: rule }).max(max, { error: rule });
  return minExclusive ? base.gt(min, { error: rule }) : base.min(min, { error: rule });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });
}

export function flag() {
  return z.boolean({ error: "must be true or false" });
}
