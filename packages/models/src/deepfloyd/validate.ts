/**
 * Small hand-written JSON checks (the package has no schema library). Every error names the field path, what is
 * allowed and what was found, e.g. "manifest.json: `stages.stage1.sampleSize` must be a positive integer (got "16")".
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The error thrown for invalid manifests, indexes and recordings. */
export class DeepFloydFormatError extends Error {
  override readonly name = "DeepFloydFormatError";
}

function show(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Reads fields of one JSON object, reporting errors as `<source>: \`<path>\` …`. */
export class Fields {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly value: JsonObject,
  ) {}

  static root(source: string, value: unknown): Fields {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new DeepFloydFormatError(`${source}: must be a JSON object (got ${show(value)})`);
    }
    return new Fields(source, "", value as JsonObject);
  }

  name(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, expected: string, got: unknown): never {
    throw new DeepFloydFormatError(`${this.source}: \`${this.name(key)}\` must be ${expected} (got ${show(got)})`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  object(key: string): Fields {
    const v = this.value[key];
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(key, "an object", v);
    return new Fields(this.source, this.name(key), v);
  }

  /** An object or null (missing counts as null). */
  optionalObject(key: string): Fields | null {
    const v = this.value[key];
    return v === null || v === undefined ? null : this.object(key);
  }

  string(key: string): string {
    const v = this.value[key];
    if (typeof v !== "string") this.fail(key, "a string", v);
    return v;
  }

  /** A string or null (missing counts as null). */
  optionalString(key: string): string | null {
    const v = this.value[key];
    return v === null || v === undefined ? null : this.string(key);
  }

  oneOf<T extends string | number>(key: string, allowed: readonly T[]): T {
    const v = this.value[key];
    if (!allowed.includes(v as T)) this.fail(key, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, v);
    return v as T;
  }

  boolean(key: string): boolean {
    const v = this.value[key];
    if (typeof v !== "boolean") this.fail(key, "true or false", v);
    return v;
  }

  number(key: string, rule: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.value[key];
    const ok =
      typeof v === "number" &&
      Number.isFinite(v) &&
      (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || v >= rule.min) &&
      (rule.max === undefined || v <= rule.max);
    if (!ok) {
      const kind = rule.integer ? "an integer" : "a finite number";
      const range =
        rule.min !== undefined && rule.max !== undefined
          ? ` in [${rule.min}, ${rule.max}]`
          : rule.min !== undefined
            ? ` ≥ ${rule.min}`
            : rule.max !== undefined
              ? ` ≤ ${rule.max}`
              : "";
      this.fail(key, kind + range, v);
    }
    return v as number;
  }

  /** An array whose items are read with `item(fields-of-array, index)`. */
  array<T>(key: string, item: (v: Json, name: string) => T): T[] {
    const v = this.value[key];
    if (!Array.isArray(v)) this.fail(key, "an array", v);
    return v.map((x, i) => item(x, `${this.name(key)}[${i}]`));
  }

  /** An object-valued array item as Fields. */
  item(value: Json, name: string): Fields {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new DeepFloydFormatError(`${this.source}: \`${name}\` must be an object (got ${show(value)})`);
    }
    return new Fields(this.source, name, value);
  }
}
