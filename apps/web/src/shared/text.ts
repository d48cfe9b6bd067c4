import { z } from "zod";

/**
 * The one string type every API input uses. PostgreSQL refuses NUL and unpaired UTF-16 surrogates (the request then
 * failed half-way, after its side effects), and control characters in a name or prompt are never intended, so they
 * are refused here, before anything runs, with a message naming the field.
 */

/** Tab, line feed and carriage return: the control characters a multi-line field may hold. */
const LINE_BREAKS = new Set([0x09, 0x0a, 0x0d]);

export interface TextOptions {
  readonly max: number;
  readonly min?: number;
  /** The message for a string shorter than `min` (default: "must not be empty"). */
  readonly tooShort?: string;
  /** Tabs and line breaks are allowed (single-line fields refuse them). */
  readonly multiline?: boolean;
  /** Trim surrounding white space before the length checks. */
  readonly trim?: boolean;
}

/**
 * Why `value` is not acceptable text, or undefined when it is: C0 and C1 controls and DEL (tab and line breaks are
 * allowed in multi-line fields), unpaired UTF-16 surrogates, and the noncharacters U+FFFE/U+FFFF.
 */
export function textProblem(value: string, multiline = false): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (multiline && LINE_BREAKS.has(c)) continue;
      return `must not contain control characters (found ${codePoint(c)})`;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return UNPAIRED;
      i++; // the pair is one code point
    } else if (c >= 0xdc00 && c <= 0xdfff) return UNPAIRED;
    else if (c === 0xfffe || c === 0xffff) return `must be valid Unicode text (found ${codePoint(c)})`;
  }
  return undefined;
}

const UNPAIRED = "must be valid Unicode text (found an unpaired surrogate)";

/** A zod string for `field`: clean Unicode, bounded length, every message starting with `field: `. */
export function text(field: string, opts: TextOptions) {
  const base = z.string({ error: `${field}: must be text` });
  const trimmed = opts.trim ? base.trim() : base;
  return trimmed
    .superRefine((value, ctx) => {
      const problem = textProblem(value, opts.multiline);
      if (problem) ctx.addIssue({ code: "custom", message: `${field}: ${problem}`, continue: false });
    })
    .min(opts.min ?? 0, opts.tooShort ?? `${field}: must not be empty`)
    .max(opts.max, `${field}: at most ${opts.max} characters`);
}

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
}
