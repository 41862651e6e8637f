/**
 * Twenty's REST filter parser, step by step (twenty-rest.md §4), quirks included: it works on
 * strings only and knows nothing of field types; `filter-sql.ts` types the values afterwards.
 */
import { HttpError, badRequest } from './http-error.js';

export const COMPARATORS = [
  'eq', 'neq', 'in', 'containsAny', 'is', 'gt', 'gte', 'lt', 'lte', 'startsWith', 'endsWith', 'like', 'ilike',
] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type FilterNode =
  | { kind: 'and' | 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode }
  | {
      kind: 'leaf';
      path: string[];
      comparator: Comparator;
      /** The value with one pair of quotes removed (per item for `in`/`containsAny`). */
      value: string | string[];
      /**
       * The value as written, quotes kept (per item for `in`/`containsAny`): Twenty checks SELECT
       * options and converts NUMBER/BOOLEAN from this text, before any unquoting (filter-sql.ts).
       */
      rawValue: string | string[];
      raw: string;
    };

const filterError = (message: string): HttpError => badRequest(message);

/** §4 quirk 2: every parenthesis counts, inside quotes too. */
function checkBrackets(filter: string): void {
  let open = 0;
  let close = 0;
  for (const c of filter) {
    if (c === '(') open++;
    else if (c === ')') close++;
  }
  const diff = open - close;
  if (diff === 0) return;
  const n = Math.abs(diff);
  const hint = diff > 0 ? `${n} close bracket${n > 1 ? 's are' : ' is'}` : `${n} open bracket${n > 1 ? 's are' : ' is'}`;
  throw filterError(`'filter' invalid. ${hint} missing in the query`);
}

const CONJUNCTION_RE = new RegExp('^(or|and|not)\\((.+)\\)$');

/**
 * §4 quirk 4: children of `and(…)` are split on commas at depth 1 outside `[…]` and quotes.
 * Square brackets and each quote kind toggle on every occurrence, as in Twenty.
 */
function splitChildren(filter: string): string[] {
  let inBrackets = false;
  let inDouble = false;
  let inSingle = false;
  let depth = 0;
  const parts: string[] = [];
  let current = '';
  for (const c of filter) {
    let keep = depth >= 1;
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      keep = depth >= 1;
    }
    if (c === '[' || c === ']') inBrackets = !inBrackets;
    if (c === '"') inDouble = !inDouble;
    if (c === "'") inSingle = !inSingle;
    if (c === ',' && depth === 1 && !inBrackets && !inDouble && !inSingle) {
      parts.push(current);
      current = '';
      keep = false;
    }
    if (keep) current += c;
  }
  parts.push(current);
  return parts;
}

const LEAF_RE = new RegExp('^(.+)\\[(.+)\\]:(.+)$');

/** §4 quirk 5: a leaf is `field[comparator]:value`, read character by character. */
function parseLeaf(leaf: string): FilterNode {
  if (!LEAF_RE.test(leaf)) throw filterError(`'filter' invalid for '${leaf}'. eg: price[gte]:10`);
  let fields = '';
  let comparator = '';
  let value = '';
  let fillFields = true;
  let fillComparator = false;
  let fillValue = false;
  for (const c of leaf) {
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
  if (!(COMPARATORS as readonly string[]).includes(comparator)) {
    throw filterError(`'filter' invalid for '${leaf}', comparator ${comparator} not in ${COMPARATORS.join(', ')}`);
  }
  const cmp = comparator as Comparator;
  return {
    kind: 'leaf',
    path: fields.split('.'),
    comparator: cmp,
    value: formatValue(value, cmp),
    rawValue: rawValue(value, cmp),
    raw: leaf,
  };
}

/** One outer pair of quotes is removed, any mix of `"` and `'` (§4: no escape syntax). */
const unquote = (value: string): string => {
  const first = value[0];
  const last = value.charAt(value.length - 1);
  if ((first === '"' || first === "'") && (last === '"' || last === "'")) return value.substring(1, value.length - 1);
  return value;
};

function formatValue(value: string, comparator: Comparator): string | string[] {
  if (comparator === 'in' || comparator === 'containsAny') {
    if (value[0] !== '[' || value[value.length - 1] !== ']') {
      throw filterError(
        `'filter' invalid for '${comparator}' operator. Received '${value}' but array value expected eg: 'field[${comparator}]:[value_1,value_2]'`,
      );
    }
    // §4 quirk 6: split on every comma, quoted or not.
    return value.substring(1, value.length - 1).split(',').map(unquote);
  }
  if (comparator === 'is') return value;
  return unquote(value);
}

/** The items of an `in`/`containsAny` list as written (quotes kept), else the value itself. */
function rawValue(value: string, comparator: Comparator): string | string[] {
  if (comparator === 'in' || comparator === 'containsAny') return value.substring(1, value.length - 1).split(',');
  return value;
}

function parseNode(filter: string): FilterNode {
  const match = filter.match(CONJUNCTION_RE);
  if (match) {
    const conjunction = match[1] as 'and' | 'or' | 'not';
    const children = splitChildren(filter).map(parseNode);
    if (conjunction === 'not') {
      if (children.length > 1) {
        throw filterError(`'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)`);
      }
      return { kind: 'not', child: children[0] };
    }
    return { kind: conjunction, children };
  }
  return parseLeaf(filter);
}

/**
 * Parses `?filter=`. Returns null when no filter applies: absent, or given more than once
 * (§4 quirk 1, Express hands Twenty an array then, which it ignores).
 */
export function parseFilter(values: string[]): FilterNode | null {
  if (values.length !== 1) return null;
  // An empty `filter=` is a string to Twenty: it becomes `and()` and fails as a leaf.
  const filter = values[0];
  checkBrackets(filter);
  // §4 quirk 3: wrapped in and(…) unless it already is a conjunction.
  const wrapped = CONJUNCTION_RE.test(filter) ? filter : `and(${filter})`;
  return parseNode(wrapped);
}

/** §4: soft-deleted rows show when the filter mentions `deletedAt` anywhere. */
export function mentionsDeletedAt(node: FilterNode | null): boolean {
  if (!node) return false;
  if (node.kind === 'leaf') return node.path[0] === 'deletedAt';
  if (node.kind === 'not') return mentionsDeletedAt(node.child);
  return node.children.some(mentionsDeletedAt);
}
