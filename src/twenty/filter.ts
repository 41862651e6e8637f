/**
 * The one place that writes Twenty `?filter=` strings (twenty-rest.md §4).
 *
 * Twenty's filter grammar has no escape syntax, so a value is never pasted in as is. Each
 * condition is compiled to two filter strings that bracket it in SQL's three-valued order
 * (false < unknown < true): `lower` never selects more than the condition, `upper` never less.
 * When a value can be written so every known parser reads it back exactly (filter-values.ts),
 * both are the same string. Otherwise `upper` widens it (a LIKE pattern with `_` for each
 * character the parser cannot carry, or no constraint at all) and `lower` narrows it; `not`
 * swaps the two. The string sent is `upper`, and whenever it is wider than asked the result
 * carries a `residual` predicate that gives the exact answer record by record.
 */
import { BadUserInputError } from '../errors.js';
import type { TwentyRecord } from './types.js';
import { evaluate, mentionsField, type Condition, type Leaf, type Operator, type Scalar } from './filter-condition.js';
import { canonicalValue, isUuid, likePattern, writeInItem, writeScalar } from './filter-values.js';

export type ScalarKind = 'string' | 'number' | 'boolean' | 'datetime' | 'date' | 'id' | 'enum';
/** The filterable fields of one object: Twenty field name → kind, or for composites sub-field → kind. */
export type FilterFields = Record<string, ScalarKind | { [subField: string]: ScalarKind }>;
export interface ScalarFilterInput { eq?: unknown; neq?: unknown; in?: unknown[]; gt?: unknown; gte?: unknown; lt?: unknown; lte?: unknown; contains?: string; startsWith?: string; endsWith?: string; isNull?: boolean }
/** GraphQL filter input as resolvers receive it: keys are Twenty field names (composites nest one level: { name: { firstName: { eq } } }), plus and/or/not. */
export type FilterInput = { and?: FilterInput[]; or?: FilterInput[]; not?: FilterInput } & { [field: string]: unknown };
export interface BuiltFilter {
  /** The string for `?filter=`, or undefined when nothing filters. */
  filter?: string;
  /** Present when the string is a safe superset of the asked condition (a value Twenty cannot express was widened): the exact test each returned record must pass. */
  residual?: (record: TwentyRecord) => boolean;
}

/** A filter no record passes: ids are never null. Used for `in: []` and `or: []`. */
export const MATCH_NOTHING = 'id[is]:NULL';

const OPERATORS_BY_KIND: Record<ScalarKind, readonly Operator[]> = {
  string: ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'endsWith', 'isNull'],
  number: ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isNull'],
  datetime: ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isNull'],
  date: ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isNull'],
  boolean: ['eq', 'neq', 'isNull'],
  id: ['eq', 'neq', 'in', 'isNull'],
  enum: ['eq', 'neq', 'in', 'isNull'],
};
const ALL_OPERATORS = new Set<string>(OPERATORS_BY_KIND.string);
/** Field names are code, but they are pasted into the string too: keep them to identifiers. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds the `?filter=` string for a GraphQL filter input. Keys whose value is null or undefined
 * are ignored at every level (GraphQL sends an explicit null for an absent optional field), so
 * `{ eq: null }` filters nothing: ask `isNull: true` for missing values. `in: []` and `or: []`
 * match nothing, `and: []` and `{}` match everything. Throws BadUserInputError naming the field
 * for unknown fields, operators of the wrong kind and values that are not of the field's kind.
 */
export function buildFilter(input: FilterInput | null | undefined, fields: FilterFields): BuiltFilter {
  if (input === null || input === undefined) return {};
  const condition = toCondition(input, fields, 'filter');
  return finish(condition);
}

/**
 * The meaning of a filter input on records held in memory (a feed's before and after): the same
 * check `buildFilter` does, evaluated exactly (SQL's three-valued logic, filter-condition.ts),
 * with Twenty's rule that soft-deleted records match only a filter that names `deletedAt` (§4).
 * No input matches every record that is not soft-deleted, as a list without a filter returns.
 */
export function filterPredicate(input: FilterInput | null | undefined, fields: FilterFields): (record: TwentyRecord) => boolean {
  const condition = input === null || input === undefined ? undefined : toCondition(input, fields, 'filter');
  const seesDeleted = condition !== undefined && mentionsField(condition, 'deletedAt');
  return (record) => (seesDeleted || !record.deletedAt) && (condition === undefined || evaluate(condition, record) === true);
}

/** AND of several built filters (e.g. a user filter plus `companyId[in]:[…]`). */
export function andFilters(...parts: Array<BuiltFilter | string | undefined>): BuiltFilter {
  const strings: string[] = [];
  const residuals: Array<(record: TwentyRecord) => boolean> = [];
  for (const part of parts) {
    if (part === undefined) continue;
    if (typeof part === 'string') {
      if (part !== '') strings.push(part);
      continue;
    }
    if (part.filter !== undefined) strings.push(part.filter);
    if (part.residual) residuals.push(part.residual);
  }
  // One root group: `a,b` at the top is wrapped by Twenty only when it has no parentheses (§4 quirk 3).
  const filter = strings.length === 0 ? undefined : strings.length === 1 ? strings[0] : `and(${strings.join(',')})`;
  const built: BuiltFilter = {};
  if (filter !== undefined) built.filter = filter;
  if (residuals.length === 1) built.residual = residuals[0];
  else if (residuals.length > 1) built.residual = (record) => residuals.every((r) => r(record));
  return built;
}

/** `field[in]:[id1,id2]` for loaders; ids must be UUIDs (else BadUserInputError). */
export function idInFilter(field: string, ids: readonly string[]): string {
  assertFieldPath(field);
  for (const id of ids) {
    if (!isUuid(id)) throw new BadUserInputError(`"${String(id)}" is not a valid id (expected a UUID).`, { field });
  }
  if (ids.length === 0) return MATCH_NOTHING;
  return `${field}[in]:[${ids.join(',')}]`;
}

const DIRECTIONS = new Set(['AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast']);

export function orderByString(order: Array<{ field: string; direction: 'AscNullsFirst' | 'AscNullsLast' | 'DescNullsFirst' | 'DescNullsLast' }>): string | undefined {
  if (order.length === 0) return undefined;
  return order
    .map(({ field, direction }) => {
      assertFieldPath(field);
      if (!DIRECTIONS.has(direction)) throw new TypeError(`orderByString: unknown direction "${direction}"`);
      return `${field}[${direction}]`;
    })
    .join(',');
}

function assertFieldPath(field: string): void {
  const segments = field.split('.');
  if (segments.length > 2 || !segments.every((s) => FIELD_NAME.test(s))) {
    throw new TypeError(`Twenty field path "${field}" must be name or name.subField`);
  }
}

// ---------------------------------------------------------------- input → Condition

function toCondition(input: unknown, fields: FilterFields, where: string): Condition {
  if (!isPlainObject(input)) throw new BadUserInputError(`${where} must be an object.`);
  const children: Condition[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new BadUserInputError(`${where}.${key} must be a list.`);
      children.push({ type: key, children: value.map((v, i) => toCondition(v, fields, `${where}.${key}[${i}]`)) });
    } else if (key === 'not') {
      children.push({ type: 'not', child: toCondition(value, fields, `${where}.not`) });
    } else {
      children.push(fieldCondition(key, value, fields, where));
    }
  }
  return children.length === 1 ? children[0] : { type: 'and', children };
}

function fieldCondition(field: string, value: unknown, fields: FilterFields, where: string): Condition {
  const spec = Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (spec === undefined || !FIELD_NAME.test(field)) throw new BadUserInputError(`Unknown filter field "${field}".`, { field });
  if (typeof spec === 'string') return operatorConditions([field], spec, value, where);
  if (!isPlainObject(value)) throw new BadUserInputError(`Filter on "${field}" must name a sub-field.`, { field });
  const children: Condition[] = [];
  for (const [subField, subValue] of Object.entries(value)) {
    if (subValue === undefined || subValue === null) continue;
    const kind = Object.hasOwn(spec, subField) ? spec[subField] : undefined;
    if (kind === undefined || !FIELD_NAME.test(subField)) {
      throw new BadUserInputError(`Unknown filter field "${field}.${subField}".`, { field: `${field}.${subField}` });
    }
    children.push(operatorConditions([field, subField], kind, subValue, where));
  }
  return children.length === 1 ? children[0] : { type: 'and', children };
}

function operatorConditions(path: string[], kind: ScalarKind, input: unknown, where: string): Condition {
  const name = path.join('.');
  if (!isPlainObject(input)) throw new BadUserInputError(`${where}.${name} must be an object of operators.`, { field: name });
  const children: Condition[] = [];
  for (const [op, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    // `{ eq: $id }` with $id null would otherwise filter nothing and return every record.
    if (raw === null) {
      throw new BadUserInputError(`"${op}: null" on "${name}" is ambiguous: use isNull: true or false to match missing values.`, {
        field: name,
      });
    }
    if (!ALL_OPERATORS.has(op)) throw new BadUserInputError(`Unknown filter operator "${op}" on "${name}".`, { field: name });
    if (!OPERATORS_BY_KIND[kind].includes(op as Operator)) {
      throw new BadUserInputError(`Operator "${op}" cannot be used on "${name}" (${kind}).`, { field: name });
    }
    children.push(leaf(path, kind, op as Operator, raw));
  }
  return children.length === 1 ? children[0] : { type: 'and', children };
}

function leaf(path: string[], kind: ScalarKind, op: Operator, raw: unknown): Leaf {
  const name = path.join('.');
  const check = (value: unknown): Scalar => {
    const result = canonicalValue(kind, value);
    if (!result.ok) throw new BadUserInputError(`Invalid value for "${name}" ${op}: ${result.reason}.`, { field: name });
    return result.value;
  };
  if (op === 'isNull') {
    if (typeof raw !== 'boolean') throw new BadUserInputError(`"${name}" isNull takes true or false.`, { field: name });
    return { type: 'leaf', path, kind, op, value: raw };
  }
  if (op === 'in') {
    if (!Array.isArray(raw)) throw new BadUserInputError(`"${name}" in takes a list.`, { field: name });
    return { type: 'leaf', path, kind, op, value: raw.map(check) };
  }
  if ((op === 'contains' || op === 'startsWith' || op === 'endsWith') && typeof raw !== 'string') {
    throw new BadUserInputError(`"${name}" ${op} takes a string.`, { field: name });
  }
  return { type: 'leaf', path, kind, op, value: check(raw) };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------- Condition → strings

/** A compiled part: a filter string (and whether it names `deletedAt`), or a constant. */
type Part = true | false | { text: string; deleted: boolean };
interface Bounds { upper: Part; lower: Part; exact: boolean }

const exactPart = (text: string, path: string[]): Bounds => {
  const part = { text, deleted: path[0] === 'deletedAt' };
  return { upper: part, lower: part, exact: true };
};

function join(kind: 'and' | 'or', parts: Part[]): Part {
  const absorbing = kind === 'or';
  const kept: Array<{ text: string; deleted: boolean }> = [];
  for (const part of parts) {
    if (part === absorbing) return absorbing;
    if (part !== !absorbing) kept.push(part as { text: string; deleted: boolean });
  }
  if (kept.length === 0) return !absorbing;
  if (kept.length === 1) return kept[0];
  return { text: `${kind}(${kept.map((p) => p.text).join(',')})`, deleted: kept.some((p) => p.deleted) };
}

function negate(part: Part): Part {
  if (typeof part === 'boolean') return !part;
  return { text: `not(${part.text})`, deleted: part.deleted };
}

function compile(condition: Condition): Bounds {
  switch (condition.type) {
    case 'and':
    case 'or': {
      const children = condition.children.map(compile);
      return {
        upper: join(condition.type, children.map((c) => c.upper)),
        lower: join(condition.type, children.map((c) => c.lower)),
        exact: children.every((c) => c.exact),
      };
    }
    case 'not': {
      const child = compile(condition.child);
      return { upper: negate(child.lower), lower: negate(child.upper), exact: child.exact };
    }
    case 'leaf':
      return compileLeaf(condition);
  }
}

function compileLeaf(leaf: Leaf): Bounds {
  const field = leaf.path.join('.');
  switch (leaf.op) {
    case 'isNull':
      return exactPart(`${field}[is]:${leaf.value ? 'NULL' : 'NOT_NULL'}`, leaf.path);
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const pattern = likePattern(String(leaf.value), leaf.op === 'startsWith' ? '' : '%', leaf.op === 'endsWith' ? '' : '%');
      const bounds = exactPart(`${field}[ilike]:${pattern.quoted}`, leaf.path);
      return pattern.exact ? bounds : { upper: bounds.upper, lower: false, exact: false };
    }
    case 'in': {
      if (leaf.value.length === 0) return { upper: false, lower: false, exact: true };
      const sayable: string[] = [];
      const others: Bounds[] = [];
      for (const item of leaf.value) {
        const written = writeInItem(leaf.kind, item);
        if (written !== undefined) sayable.push(written);
        // §4 quirk 6: an item the list cannot carry becomes its own `eq` in an or(…).
        else others.push(compileLeaf({ type: 'leaf', path: leaf.path, kind: leaf.kind, op: 'eq', value: item }));
      }
      const parts: Bounds[] = sayable.length > 0 ? [exactPart(`${field}[in]:[${sayable.join(',')}]`, leaf.path), ...others] : others;
      return {
        upper: join('or', parts.map((p) => p.upper)),
        lower: join('or', parts.map((p) => p.lower)),
        exact: parts.every((p) => p.exact),
      };
    }
    default: {
      if (leaf.kind === 'string' && leaf.value === 'NULL' && (leaf.op === 'eq' || leaf.op === 'neq')) {
        // Twenty reads the text `NULL` in eq/neq as "empty" (findPostgresDefaultNullEquivalentValue),
        // so `eq "NULL"` would also return records with no value. `in` has no such rule: it is
        // SQL's literal `= 'NULL'`, unknown on NULL rows; neq is its negation.
        const literalEq = exactPart(`${field}[in]:["NULL"]`, leaf.path);
        if (leaf.op === 'eq') return literalEq;
        return { upper: negate(literalEq.upper), lower: negate(literalEq.lower), exact: true };
      }
      const written = writeScalar(leaf.kind, leaf.value);
      if (written !== undefined) return exactPart(`${field}[${leaf.op}]:${written}`, leaf.path);
      // Only strings can be unsayable (other kinds are validated to safe characters).
      const like = exactPart(`${field}[like]:${likePattern(String(leaf.value), '', '').quoted}`, leaf.path).upper;
      if (leaf.op === 'eq') return { upper: like, lower: false, exact: false };
      if (leaf.op === 'neq') return { upper: true, lower: negate(like), exact: false };
      return { upper: true, lower: false, exact: false };
    }
  }
}

function finish(condition: Condition): BuiltFilter {
  const { upper, exact } = compile(condition);
  let filter: string | undefined;
  if (upper === false) filter = MATCH_NOTHING;
  else if (upper !== true) filter = upper.text;
  // §4: naming deletedAt anywhere brings soft-deleted rows in; keep that when widening dropped the name.
  if (upper !== false && mentionsField(condition, 'deletedAt') && (upper === true || !upper.deleted)) {
    const everyRow = 'or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)';
    filter = filter === undefined ? everyRow : `and(${filter},${everyRow})`;
  }
  const built: BuiltFilter = {};
  if (filter !== undefined) built.filter = filter;
  if (!exact) built.residual = (record) => evaluate(condition, record) === true;
  return built;
}
