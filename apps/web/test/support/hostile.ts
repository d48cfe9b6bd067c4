import fc from "fast-check";

/** Text that would reveal internals if it reached a client: SQL, stack frames, absolute paths, errno codes. */
export const INTERNAL_TEXT =
  /\b(select|insert|update|delete)\b[^"]{0,80}\b(from|into|set|where)\b|failed query|\bat [\w$.<>]+ \(|\bat (async )?\/|\/(work|tmp|home|usr|root|app)\/|node_modules|\bE(NOENT|ACCES|NOSPC|ROFS|PERM|DQUOT|ISDIR|NOTDIR|MFILE)\b|\bstack\b|pglite|drizzle|syntax error|violates|TypeError|RangeError|ReferenceError/i;

/** A message that starts with the field it is about. */
export const NAMES_A_FIELD = /^[A-Za-z_][\w.[\]-]*: /;

/** Strings a hostile client sends: NUL, other controls, lone surrogates, noncharacters, very long text, JSON-ish. */
export const hostileString = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.constantFrom("\0", "a\0b", "\uD800", "x\uDFFFy", "\uFFFE", "\u0085", "line\nbreak", "\u001b[31m", "\u007f"),
    fc.string({ minLength: 201, maxLength: 5000 }),
    fc.constantFrom("", " ", "__proto__", "constructor", "../../etc/passwd", "%00", "1e400", "-1", "NaN", "{}"),
  )
  // Messages may echo a bad value (`modelId: unknown model '…'`); keep inputs from looking like leaks themselves.
  .filter((s) => !INTERNAL_TEXT.test(s));

/** Any JSON value a hostile client might send in place of a field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 53), 1e308, 0.5),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { a: 1 }) },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).filter((v) => !INTERNAL_TEXT.test(JSON.stringify(v))),
  },
);
