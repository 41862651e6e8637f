/**
 * The checked, normalised form of a GraphQL filter input, and its exact meaning on a record.
 *
 * `evaluate` is the reference semantics the filter string must reproduce: SQL's three-valued
 * logic (a comparison with a missing value is unknown, `not(unknown)` is unknown, only `true`
 * selects), case-sensitive `eq`/`in`/ranges and case-insensitive `contains`/`startsWith`/
 * `endsWith`, as Postgres `=`, `IN`, `<` and `ILIKE` behave (§4), plus Twenty's text
 * null-equivalence (kind `string` is a TEXT column; see textNullEquivalence).
 */
import type { TwentyRecord } from './types.js';
import type { ValueKind } from './filter-values.js';

export type Operator = 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'startsWith' | 'endsWith' | 'isNull';
export type Scalar = string | number | boolean;

export type Condition =
  | { type: 'and' | 'or'; children: Condition[] }
  | { type: 'not'; child: Condition }
  | { type: 'leaf'; path: string[]; kind: ValueKind; op: Exclude<Operator, 'in' | 'isNull'>; value: Scalar }
  | { type: 'leaf'; path: string[]; kind: ValueKind; op: 'in'; value: Scalar[] }
  | { type: 'leaf'; path: string[]; kind: ValueKind; op: 'isNull'; value: boolean };

export type Leaf = Extract<Condition, { type: 'leaf' }>;

/** SQL truth value: true, false, or null for unknown. */
type Truth = boolean | null;

export function evaluate(condition: Condition, record: TwentyRecord): Truth {
  switch (condition.type) {
    case 'and': {
      let result: Truth = true;
      for (const child of condition.children) {
        const t = evaluate(child, record);
        if (t === false) return false;
        if (t === null) result = null;
      }
      return result;
    }
    case 'or': {
      let result: Truth = false;
      for (const child of condition.children) {
        const t = evaluate(child, record);
        if (t === true) return true;
        if (t === null) result = null;
      }
      return result;
    }
    case 'not': {
      const t = evaluate(condition.child, record);
      return t === null ? null : !t;
    }
    case 'leaf':
      return evaluateLeaf(condition, record);
  }
}

function valueAt(record: TwentyRecord, path: string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function evaluateLeaf(leaf: Leaf, record: TwentyRecord): Truth {
  const actual = valueAt(record, leaf.path);
  const missing = actual === null || actual === undefined;
  if (leaf.kind === 'string') {
    const nullEquivalent = textNullEquivalence(leaf, actual, missing);
    if (nullEquivalent !== undefined) return nullEquivalent;
  }
  if (leaf.op === 'isNull') return missing === leaf.value;
  // No value is in an empty list, not even a missing one (the string sent matches nothing).
  if (leaf.op === 'in' && leaf.value.length === 0) return false;
  if (missing) return null;
  switch (leaf.op) {
    case 'eq':
      return compare(leaf.kind, actual, leaf.value) === 0;
    case 'neq':
      return compare(leaf.kind, actual, leaf.value) !== 0;
    case 'gt':
      return compare(leaf.kind, actual, leaf.value) > 0;
    case 'gte':
      return compare(leaf.kind, actual, leaf.value) >= 0;
    case 'lt':
      return compare(leaf.kind, actual, leaf.value) < 0;
    case 'lte':
      return compare(leaf.kind, actual, leaf.value) <= 0;
    case 'in':
      return leaf.value.some((item) => compare(leaf.kind, actual, item) === 0);
    case 'contains':
      return String(actual).toLowerCase().includes(String(leaf.value).toLowerCase());
    case 'startsWith':
      return String(actual).toLowerCase().startsWith(String(leaf.value).toLowerCase());
    case 'endsWith':
      return String(actual).toLowerCase().endsWith(String(leaf.value).toLowerCase());
  }
}

/**
 * Twenty treats `''` as the null of a text field (computeWhereConditionParts with
 * findPostgresDefaultNullEquivalentValue): `is NULL` also selects `''`, `eq ''` also selects
 * NULL, `neq ''` excludes NULL outright. (It treats the text `NULL` the same way; filter.ts
 * writes eq/neq "NULL" so that it stays a literal.) Undefined when the rule does not apply.
 */
function textNullEquivalence(leaf: Leaf, actual: unknown, missing: boolean): Truth | undefined {
  if (leaf.op === 'isNull') return leaf.value ? missing || actual === '' : !missing;
  if ((leaf.op === 'eq' || leaf.op === 'neq') && leaf.value === '') {
    if (missing) return leaf.op === 'eq';
    return leaf.op === 'eq' ? actual === leaf.value : actual !== leaf.value;
  }
  return undefined;
}

const INTEGER = /^-?\d+$/;

/** Three-way comparison by kind; strings by code point. */
function compare(kind: ValueKind, actual: unknown, expected: Scalar): number {
  switch (kind) {
    case 'number': {
      const a = String(actual);
      const b = String(expected);
      if (INTEGER.test(a) && INTEGER.test(b)) {
        const x = BigInt(a);
        const y = BigInt(b);
        return x < y ? -1 : x > y ? 1 : 0;
      }
      return sign(Number(a) - Number(b));
    }
    case 'boolean':
      return actual === expected ? 0 : actual === true ? 1 : -1;
    case 'datetime':
      return sign(Date.parse(String(actual)) - Date.parse(String(expected)));
    case 'id':
      return codePointCompare(String(actual).toLowerCase(), String(expected).toLowerCase());
    default:
      return codePointCompare(String(actual), String(expected));
  }
}

const sign = (n: number): number => (Number.isNaN(n) ? NaN : n < 0 ? -1 : n > 0 ? 1 : 0);
/** Code point order, as SQLite's BINARY and Postgres' "C" collation compare UTF-8 text. */
function codePointCompare(a: string, b: string): number {
  if (a === b) return 0;
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

/** Does the condition name this top-level field anywhere (Twenty: `deletedAt` widens to soft-deleted rows, §4)? */
export function mentionsField(condition: Condition, field: string): boolean {
  switch (condition.type) {
    case 'and':
    case 'or':
      return condition.children.some((c) => mentionsField(c, field));
    case 'not':
      return mentionsField(condition.child, field);
    case 'leaf':
      return condition.path[0] === field;
  }
}
