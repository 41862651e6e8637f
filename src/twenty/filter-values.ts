/**
 * How one value is written into a Twenty filter string (twenty-rest.md §4).
 *
 * Twenty's filter parser has no escape syntax, so a value is either written so that every
 * known version of the parser reads it back exactly, or it is reported as unsayable and the
 * caller falls back to a wider `like`/`ilike` pattern. The parser facts this relies on:
 * - quirk 2/4: every `(` and `)` changes the depth, inside quotes too;
 * - quirk 4: a comma splits children only outside quotes and outside `[…]`, and the quote
 *   state is kept per quote character: a `'` inside `"…"` still toggles the single-quote
 *   state, so an odd number of either quote leaks past the value and stops later splits;
 *   brackets are counted on older servers and toggled (`[` and `]` alike) on newer ones;
 * - quirk 5: a leaf must match `^(.+)\[(.+)\]:(.+)$`, whose `.` does not match line
 *   terminators, and whose value must not be empty;
 * - quirk 6 / formatFieldValue: one pair of outer quotes (of either kind) is removed, an `in`
 *   list is split on every comma.
 */
import { isIsoDate, parseIsoDateTime } from './dates.js';

/** Characters no filter string may carry: depth changers, regex line terminators, NUL, lone surrogates. */
const ALWAYS_UNSAYABLE = /[()\n\r\u2028\u2029\u0000\uD800-\uDFFF]/u; // with /u a surrogate range only matches lone halves

const count = (text: string, ch: string): number => text.split(ch).length - 1;

/**
 * The quoted form of `value` for a scalar leaf (`field[eq]:<here>`), or undefined when no
 * quoting survives the parser. The outer quote is one that does not occur inside, and the
 * other quote character must occur an even number of times so its toggle state ends closed.
 */
export function quoteScalar(value: string): string | undefined {
  if (ALWAYS_UNSAYABLE.test(value)) return undefined;
  if (count(value, '[') !== count(value, ']')) return undefined;
  const doubles = count(value, '"');
  const singles = count(value, "'");
  if (doubles === 0 && singles % 2 === 0) return `"${value}"`;
  if (singles === 0 && doubles % 2 === 0) return `'${value}'`;
  return undefined;
}

/**
 * The quoted form of one `in` list item, or undefined. Items are split on every comma and the
 * list's own brackets guard the separators, so items may hold no comma, bracket or quote.
 */
export function quoteInItem(value: string): string | undefined {
  if (ALWAYS_UNSAYABLE.test(value) || /[,[\]"']/.test(value)) return undefined;
  return `"${value}"`;
}

/** Escapes LIKE's wildcards and its default escape character (Postgres: backslash). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A LIKE pattern (quoted, ready for the filter) for `prefix + value + suffix`, where `prefix`
 * and `suffix` are raw pattern text (`%` or empty). Exact when `value` can be said; otherwise
 * each character the parser cannot carry becomes `_`, which matches exactly one character, so
 * the pattern matches a superset of the exact answer. `exact` says which case happened.
 */
export function likePattern(value: string, prefix: string, suffix: string): { quoted: string; exact: boolean } {
  const exactPattern = prefix + escapeLike(value) + suffix;
  const quoted = quoteScalar(exactPattern);
  if (quoted !== undefined) return { quoted, exact: true };

  const chars = Array.from(value);
  const bracketsUnbalanced = count(value, '[') !== count(value, ']');
  const widened = chars.map((c) => {
    if (ALWAYS_UNSAYABLE.test(c) || c === '"' || c === "'") return '_';
    if (bracketsUnbalanced && (c === '[' || c === ']')) return '_';
    return escapeLike(c);
  });
  const fallback = quoteScalar(prefix + widened.join('') + suffix);
  if (fallback === undefined) {
    // Cannot happen: every character quoteScalar refuses was replaced above.
    throw new Error('filter: widened LIKE pattern is still unsayable');
  }
  return { quoted: fallback, exact: false };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Enum (SELECT) values are identifiers in Twenty; anything else cannot be an option. */
const ENUM_VALUE = /^[A-Za-z0-9_]+$/;

export type ValueKind = 'string' | 'number' | 'boolean' | 'datetime' | 'date' | 'id' | 'enum';

/**
 * Checks and canonicalises one comparison value of the given kind. Returns the canonical
 * value (numbers as decimal strings, datetimes as ISO UTC) or an error text for the caller
 * to wrap in BadUserInputError.
 */
export function canonicalValue(kind: ValueKind, value: unknown): { ok: true; value: string | number | boolean } | { ok: false; reason: string } {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false, reason: 'expected a string' };
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === 'bigint') return { ok: true, value: value.toString() };
      if (typeof value === 'string' && DECIMAL.test(value)) return { ok: true, value };
      return { ok: false, reason: 'expected a finite number' };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, reason: 'expected true or false' };
    case 'datetime': {
      const ms = parseIsoDateTime(value);
      return ms === undefined ? { ok: false, reason: 'expected an ISO 8601 date-time' } : { ok: true, value: new Date(ms).toISOString() };
    }
    case 'date':
      return isIsoDate(value) ? { ok: true, value } : { ok: false, reason: 'expected a date (YYYY-MM-DD)' };
    case 'id':
      return isUuid(value) ? { ok: true, value: value.toLowerCase() } : { ok: false, reason: 'expected a UUID' };
    case 'enum':
      return typeof value === 'string' && ENUM_VALUE.test(value)
        ? { ok: true, value }
        : { ok: false, reason: 'expected an option value (letters, digits, underscore)' };
  }
}

/**
 * Kinds written bare. Twenty converts numbers and booleans from the raw text before it removes
 * quotes (`"5"` parses as NaN, `"true"` as false), and checks SELECT values against the options
 * on the raw text too (`"NEW"` is not an option): so these must never be quoted. Their values
 * are checked by `canonicalValue` to hold nothing the parser could misread.
 */
const BARE_KINDS: ReadonlySet<ValueKind> = new Set(['number', 'boolean', 'id', 'enum']);

export function writeScalar(kind: ValueKind, value: string | number | boolean): string | undefined {
  return BARE_KINDS.has(kind) ? String(value) : quoteScalar(String(value));
}

export function writeInItem(kind: ValueKind, value: string | number | boolean): string | undefined {
  return BARE_KINDS.has(kind) ? String(value) : quoteInItem(String(value));
}
