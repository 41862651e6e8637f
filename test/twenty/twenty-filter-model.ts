/**
 * A model of how Twenty's REST filter parser reads a `?filter=` string (twenty-rest.md §4,
 * read from twenty-server's filter-parser-utils), written from that description so tests can
 * check what a built string would mean on each server generation without a Twenty at hand.
 *
 * Variants: `brackets: 'counter'` (older servers count `[`/`]` depth) or `'toggle'` (newer ones
 * flip one flag on either); `wrap: 'parens'` (older: wrap in and(…) unless the string holds both
 * `(` and `)`) or `'regex'` (newer: unless it matches `^(or|and|not)\((.+)\)$`).
 */
import type { FilterFields, ScalarKind } from '../../src/twenty/filter.js';
import type { TwentyRecord } from '../../src/twenty/types.js';
import { codePointCompare } from './reference-filter.js';

export type ParsedFilter =
  | { and: ParsedFilter[] }
  | { or: ParsedFilter[] }
  | { not: ParsedFilter }
  | { leaf: { fields: string[]; comparator: string; value: string | string[] } };

export interface ParserVariant {
  brackets: 'counter' | 'toggle';
  wrap: 'parens' | 'regex';
}
export const VARIANTS: ParserVariant[] = [
  { brackets: 'counter', wrap: 'parens' },
  { brackets: 'counter', wrap: 'regex' },
  { brackets: 'toggle', wrap: 'parens' },
  { brackets: 'toggle', wrap: 'regex' },
];

export class FilterRejected extends Error {}

const CONJUNCTION = /^(or|and|not)\((.+)\)$/;
const COMPARATORS = new Set(['eq', 'neq', 'in', 'containsAny', 'is', 'gt', 'gte', 'lt', 'lte', 'startsWith', 'endsWith', 'like', 'ilike']);

export function parseTwentyFilter(filter: string, variant: ParserVariant): ParsedFilter {
  const opens = (filter.match(/\(/g) ?? []).length;
  const closes = (filter.match(/\)/g) ?? []).length;
  if (opens !== closes) throw new FilterRejected('brackets missing');
  const wrapped =
    variant.wrap === 'parens'
      ? filter.includes('(') && filter.includes(')') ? filter : `and(${filter})`
      : CONJUNCTION.test(filter) ? filter : `and(${filter})`;
  return parseNode(wrapped, variant);
}

function parseNode(text: string, variant: ParserVariant): ParsedFilter {
  const match = text.match(CONJUNCTION);
  if (match) {
    const children = splitContent(text, variant).map((c) => parseNode(c, variant));
    if (match[1] === 'not') {
      if (children.length > 1) throw new FilterRejected('not takes one condition');
      return { not: children[0] };
    }
    return match[1] === 'and' ? { and: children } : { or: children };
  }
  return { leaf: parseLeaf(text) };
}

function splitContent(text: string, variant: ParserVariant): string[] {
  let depth = 0;
  let brackets = 0;
  let inBrackets = false;
  let inDouble = false;
  let inSingle = false;
  const out: string[] = [];
  let current = '';
  for (const c of text) {
    let keep = depth >= 1;
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      keep = depth >= 1;
    }
    if (c === '[') brackets++;
    if (c === ']') brackets--;
    if (c === '[' || c === ']') inBrackets = !inBrackets;
    if (c === '"') inDouble = !inDouble;
    if (c === "'") inSingle = !inSingle;
    const outsideBrackets = variant.brackets === 'counter' ? brackets === 0 : !inBrackets;
    if (c === ',' && depth === 1 && outsideBrackets && !inDouble && !inSingle) {
      out.push(current);
      current = '';
      continue;
    }
    if (keep) current += c;
  }
  out.push(current);
  return out;
}

function parseLeaf(text: string): { fields: string[]; comparator: string; value: string | string[] } {
  if (!/^(.+)\[(.+)\]:(.+)$/.test(text)) throw new FilterRejected(`leaf invalid: ${text}`);
  let fields = '';
  let comparator = '';
  let value = '';
  let fillFields = true;
  let fillComparator = false;
  let fillValue = false;
  for (const c of text) {
    if (fillValue) value += c;
    if (c === ']' && !fillValue) fillComparator = false;
    if (c === ':' && !fillComparator) fillValue = true;
    if (fillComparator) comparator += c;
    if (c === '[' && fillFields) {
      fillFields = false;
      fillComparator = true;
    }
    if (fillFields) fields += c;
  }
  if (!COMPARATORS.has(comparator)) throw new FilterRejected(`comparator ${comparator}`);
  return { fields: fields.split('.'), comparator, value: formatValue(value, comparator) };
}

function formatValue(value: string, comparator: string): string | string[] {
  if (comparator === 'in' || comparator === 'containsAny') {
    if (value[0] !== '[' || value[value.length - 1] !== ']') throw new FilterRejected('in needs a list');
    return value.slice(1, -1).split(',').map((v) => stripQuotes(v));
  }
  if (comparator === 'is') return value;
  return stripQuotes(value);
}

function stripQuotes(value: string): string {
  const first = value[0];
  const last = value.charAt(value.length - 1);
  if ((first === '"' || first === "'") && (last === '"' || last === "'")) return value.substring(1, value.length - 1);
  return value;
}

// ------------------------------------------------------------------ meaning on a record

type Truth = boolean | null;

/** Evaluates a parsed filter on a record as Postgres would (three-valued logic). */
export function evaluateParsed(filter: ParsedFilter, record: TwentyRecord, fields: FilterFields): Truth {
  if ('and' in filter) {
    let r: Truth = true;
    for (const c of filter.and) {
      const t = evaluateParsed(c, record, fields);
      if (t === false) return false;
      if (t === null) r = null;
    }
    return r;
  }
  if ('or' in filter) {
    let r: Truth = false;
    for (const c of filter.or) {
      const t = evaluateParsed(c, record, fields);
      if (t === true) return true;
      if (t === null) r = null;
    }
    return r;
  }
  if ('not' in filter) {
    const t = evaluateParsed(filter.not, record, fields);
    return t === null ? null : !t;
  }
  const { fields: path, comparator, value } = filter.leaf;
  const kind = kindOf(fields, path);
  let actual: unknown = record;
  for (const key of path) actual = actual && typeof actual === 'object' ? (actual as Record<string, unknown>)[key] : undefined;
  const missing = actual === null || actual === undefined;
  // computeWhereConditionParts: on text, '' and 'NULL' are null-equivalent values.
  const text = kind === 'string';
  const nullish = text && (value === '' || value === 'NULL');
  if (comparator === 'is') {
    if (value === 'NULL') return missing || (text && actual === '');
    if (value === 'NOT_NULL') return !missing;
    throw new FilterRejected('is takes NULL or NOT_NULL');
  }
  if (missing && nullish && (comparator === 'eq' || comparator === 'like' || comparator === 'ilike')) return true;
  if (missing && nullish && comparator === 'neq') return false;
  if (missing) return null;
  const cmp = (expected: string): number => compareTyped(kind, actual, expected);
  switch (comparator) {
    case 'eq': return cmp(value as string) === 0;
    case 'neq': return cmp(value as string) !== 0;
    case 'gt': return cmp(value as string) > 0;
    case 'gte': return cmp(value as string) >= 0;
    case 'lt': return cmp(value as string) < 0;
    case 'lte': return cmp(value as string) <= 0;
    case 'in': return (value as string[]).some((v) => cmp(v) === 0);
    case 'like': return likeRegex(value as string, false).test(String(actual));
    case 'ilike': return likeRegex(value as string, true).test(String(actual));
    default: throw new FilterRejected(`model does not evaluate ${comparator}`);
  }
}

function kindOf(fields: FilterFields, path: string[]): ScalarKind {
  const spec = fields[path[0]];
  if (spec === undefined) throw new FilterRejected(`unknown field ${path.join('.')}`);
  if (typeof spec === 'string') {
    if (path.length !== 1) throw new FilterRejected('sub-field of a scalar');
    return spec;
  }
  const kind = spec[path[1]];
  if (kind === undefined) throw new FilterRejected(`unknown sub-field ${path.join('.')}`);
  return kind;
}

function compareTyped(kind: ScalarKind, actual: unknown, expected: string): number {
  const s = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
  switch (kind) {
    case 'number': return s(Number(actual) - Number(expected));
    case 'boolean': return actual === (expected.toLowerCase() === 'true') ? 0 : 1;
    case 'datetime': return s(Date.parse(String(actual)) - Date.parse(expected));
    case 'id': {
      const a = String(actual).toLowerCase();
      const b = expected.toLowerCase();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    default:
      return codePointCompare(String(actual), expected);
  }
}

/** Postgres LIKE with backslash as the escape character. */
export function likeRegex(pattern: string, insensitive: boolean): RegExp {
  let source = '';
  const chars = Array.from(insensitive ? pattern.toLowerCase() : pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) source += escapeRegex(chars[++i]);
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegex(c);
  }
  const re = new RegExp(`^${source}$`, 'su');
  return insensitive ? { test: (s: string) => re.test(s.toLowerCase()) } as RegExp : re;
}

const escapeRegex = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
