/**
 * The answer a filter input must select, written straight from the GraphQL input and
 * independent of src/twenty: SQL three-valued logic, case-insensitive contains/startsWith/
 * endsWith, and Twenty's text null-equivalence (on the text fields `name` and
 * `address.addressCity`, '' counts as null for isNull, and eq/neq '' treat null as ''); the
 * text 'NULL' is a literal like any other.
 */
import type { FilterInput } from '../../src/twenty/filter.js';
import type { TwentyRecord } from '../../src/twenty/types.js';

type Truth = boolean | null;

/** The reference answer, written straight from the GraphQL input (independent of src/twenty). */
export function expected(input: FilterInput, record: TwentyRecord): Truth {
  const results: Truth[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === 'and') results.push(kleeneAnd((value as FilterInput[]).map((v) => expected(v, record))));
    else if (key === 'or') results.push(kleeneOr((value as FilterInput[]).map((v) => expected(v, record))));
    else if (key === 'not') {
      const t = expected(value as FilterInput, record);
      results.push(t === null ? null : !t);
    } else if (key === 'address') {
      const ops = (value as { addressCity: Record<string, unknown> }).addressCity;
      results.push(operators(ops, (record.address as { addressCity: unknown } | null)?.addressCity, true));
    } else results.push(operators(value as Record<string, unknown>, record[key], key === 'name'));
  }
  return kleeneAnd(results);
}

function operators(ops: Record<string, unknown>, actual: unknown, text: boolean): Truth {
  const results: Truth[] = [];
  const missing = actual === null || actual === undefined;
  for (const [op, v] of Object.entries(ops)) {
    if (op === 'isNull') {
      // Twenty: on text, '' counts as null for isNull: true (and as a value for isNull: false).
      results.push(v ? missing || (text && actual === '') : !missing);
      continue;
    }
    if (text && missing && (op === 'eq' || op === 'neq') && v === '') {
      results.push(op === 'eq');
      continue;
    }
    if (op === 'in' && (v as unknown[]).length === 0) {
      results.push(false);
      continue;
    }
    if (actual === null || actual === undefined) {
      results.push(null);
      continue;
    }
    const a = actual as string | number;
    const c = (x: unknown) => (typeof a === 'string' ? codePointCompare(a, String(x)) : a < (x as number) ? -1 : a > (x as number) ? 1 : 0);
    const lower = (x: unknown) => String(x).toLowerCase();
    switch (op) {
      case 'eq': results.push(a === v); break;
      case 'neq': results.push(a !== v); break;
      case 'gt': results.push(c(v) > 0); break;
      case 'gte': results.push(c(v) >= 0); break;
      case 'lt': results.push(c(v) < 0); break;
      case 'lte': results.push(c(v) <= 0); break;
      case 'in': results.push((v as unknown[]).includes(a)); break;
      case 'contains': results.push(lower(a).includes(lower(v))); break;
      case 'startsWith': results.push(lower(a).startsWith(lower(v))); break;
      case 'endsWith': results.push(lower(a).endsWith(lower(v))); break;
      default: throw new Error(op);
    }
  }
  return kleeneAnd(results);
}

const kleeneAnd = (ts: Truth[]): Truth => (ts.includes(false) ? false : ts.includes(null) ? null : true);
const kleeneOr = (ts: Truth[]): Truth => (ts.includes(true) ? true : ts.includes(null) ? null : false);


/** Postgres "C" / SQLite BINARY order: by code point, not by UTF-16 code unit. */
export function codePointCompare(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0)!);
  const y = Array.from(b, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}
