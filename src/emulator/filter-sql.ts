/**
 * Turns a parsed filter into a parameterised SQL condition (never spliced text). Values are typed
 * by field type after the string parse (twenty-rest.md §4, last bullet), and each comparator does
 * what Twenty's `computeWhereConditionParts` does in Postgres:
 * - `like`/`ilike`: the value is the whole pattern (`%`, `_`, backslash escape), ilike ignores case;
 * - `startsWith`/`endsWith`: literal, case-sensitive prefix/suffix (`^@`, `RIGHT(…)`);
 * - text null-equivalence: `''` and NULL are the same for `eq`, `neq`, `is NULL`, `like` on text.
 */
import { type Comparator, type FilterNode } from './filter-parse.js';
import { badRequest, isUuid } from './http-error.js';
import { type ColumnDef, type ObjectDef, type ObjectRegistry, columnFor } from './objects.js';
import { isCompositeType } from './composites.js';

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

interface Ctx {
  registry: ObjectRegistry;
  ws: string;
  objectName: string;
}

const q = (identifier: string): string => `"${identifier}"`;

/** Text columns whose '' Twenty treats as NULL in filters (findPostgresDefaultNullEquivalentValue). */
function isNullEquivalentText(col: ColumnDef): boolean {
  if (col.kind !== 'TEXT') return false;
  if (col.field.type === 'RICH_TEXT_V2') return false;
  if (col.field.type === 'ACTOR') return col.sub?.name === 'name';
  return true;
}

function fieldError(def: ObjectDef, path: string[]): Error {
  return badRequest(`'filter' invalid. Field '${path.join('.')}' does not exist on object '${def.singular}'`);
}

/** Resolves a filter path to a column, possibly one many-to-one hop away (§4). */
function resolvePath(
  def: ObjectDef,
  path: string[],
  ctx: Ctx,
): { col: ColumnDef; hop?: { fkColumn: string; target: ObjectDef } } {
  const [head, ...rest] = path;
  const field = def.fieldsByName.get(head);
  if (field) {
    if (rest.length > 1) throw fieldError(def, path);
    const col = columnFor(def, field, rest[0]);
    if (!col) {
      if (isCompositeType(field.type) && rest.length === 0) {
        throw badRequest(`'filter' invalid. Composite field '${head}' needs a sub-field, eg: ${head}.${subExample(def, head)}`);
      }
      throw fieldError(def, path);
    }
    return { col };
  }
  const relation = def.manyToOne.find((r) => r.name === head);
  if (relation && rest.length >= 1 && rest.length <= 2) {
    const target = ctx.registry.get(relation.target)!;
    const targetField = target.fieldsByName.get(rest[0]);
    const col = targetField ? columnFor(target, targetField, rest[1]) : undefined;
    if (!col) throw fieldError(def, path);
    const fkColumn = def.fieldsByName.get(relation.fk)!.column;
    return { col, hop: { fkColumn, target } };
  }
  throw fieldError(def, path);
}

function subExample(def: ObjectDef, field: string): string {
  const col = def.columns.find((c) => c.field.name === field && c.sub);
  return col?.sub?.name ?? 'subField';
}

/**
 * Top-level field types whose filter value Twenty reads from the text as written (§4 "values are
 * typed later"): `parseFilter` runs `checkFilterEnumValues(fieldType, …, value)` and then
 * `formatFieldValue(value, fieldType)`, which returns parseInt/parseFloat/`=== 'true'` for these
 * types before it would strip quotes. So `stage[eq]:"NEW"` is refused, `employees[gt]:"1000"`
 * is NaN and `idealCustomerProfile[eq]:"true"` is false. The type is that of the path's first
 * field, so composite sub-fields and relation hops get the unquoted text like any other type.
 */
const RAW_TYPED = new Set(['SELECT', 'NUMBER', 'POSITION', 'BOOLEAN']);

function usesRawValue(col: ColumnDef, node: Extract<FilterNode, { kind: 'leaf' }>, hop: boolean): boolean {
  return !hop && node.path.length === 1 && RAW_TYPED.has(col.field.type);
}

/**
 * Converts one string value to the column's type, as Twenty's common layer does. `raw` says the
 * value is the text as written and typed as `formatFieldValue` does (see RAW_TYPED): a number
 * that does not parse is NaN there. The servers that type values this way hand the filter to
 * their GraphQL engine as JSON, where NaN serialises as `null`, so it compares as SQL NULL and
 * nothing matches, under `not(…)` too (were it bound as Postgres 'NaN' instead, gt/gte/eq would
 * still match nothing, since NaN sorts above every number). Binding NULL gives SQLite the same
 * three-valued outcome.
 */
function typeValue(col: ColumnDef, value: string, comparator: Comparator, raw = false): unknown {
  if (comparator === 'like' || comparator === 'ilike' || comparator === 'startsWith' || comparator === 'endsWith') {
    return value;
  }
  switch (col.kind) {
    case 'NUMBER': {
      const n = parseFloat(value);
      if (Number.isNaN(n)) {
        if (raw) return null;
        throw badRequest(`Invalid number value '${value}' for field '${col.column}'`);
      }
      return n;
    }
    case 'NUMERIC': {
      const n = parseInt(value, 10);
      if (Number.isNaN(n)) {
        if (raw) return null;
        throw badRequest(`Invalid number value '${value}' for field '${col.column}'`);
      }
      return n;
    }
    case 'BOOLEAN':
      return value.toLowerCase() === 'true' ? 1 : 0;
    case 'UUID':
      if (!isUuid(value)) throw badRequest(`invalid input syntax for type uuid: "${value}"`);
      return value.toLowerCase();
    case 'DATE_TIME': {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) throw badRequest(`invalid input syntax for type timestamp with time zone: "${value}"`);
      return date.toISOString();
    }
    case 'SELECT': {
      // checkFilterEnumValues: options, plus the NULL / NOT_NULL words.
      const options = col.field.options ?? [];
      if (value !== 'NULL' && value !== 'NOT_NULL' && !options.some((o) => o.value === value)) {
        throw badRequest(
          `'filter' enum value '${value}' not available in '${col.field.name}' enum. Available enum values are [${options.map((o) => `'${o.value}'`).join(', ')}]`,
        );
      }
      return value;
    }
    default:
      return value;
  }
}

function leafSql(def: ObjectDef, node: Extract<FilterNode, { kind: 'leaf' }>, ctx: Ctx, alias: string): SqlCondition {
  const { col, hop } = resolvePath(def, node.path, ctx);
  if (hop) {
    const inner = comparison(col, node, `${alias}h`, false);
    return {
      sql: `${alias}.${q(hop.fkColumn)} IN (SELECT ${alias}h."id" FROM ${q(hop.target.plural)} ${alias}h WHERE ${alias}h."ws" = ? AND ${alias}h."deletedAt" IS NULL AND (${inner.sql}))`,
      params: [ctx.ws, ...inner.params],
    };
  }
  return comparison(col, node, alias, usesRawValue(col, node, false));
}

function comparison(col: ColumnDef, node: Extract<FilterNode, { kind: 'leaf' }>, alias: string, useRaw: boolean): SqlCondition {
  const ref = `${alias}.${q(col.column)}`;
  const { comparator } = node;
  const nullEq = isNullEquivalentText(col);
  if (comparator === 'in' || comparator === 'containsAny') {
    const items = (useRaw ? node.rawValue : node.value) as string[];
    if (comparator === 'containsAny') {
      if (col.kind !== 'RAW_JSON') throw badRequest(`'containsAny' is only valid on array fields, not '${col.column}'`);
      return {
        sql: `EXISTS (SELECT 1 FROM json_each(${ref}) WHERE json_each.value IN (${items.map(() => '?').join(',')}))`,
        params: items,
      };
    }
    return { sql: `${ref} IN (${items.map(() => '?').join(',')})`, params: items.map((v) => typeValue(col, v, comparator, useRaw)) };
  }
  // `is` takes the NULL/NOT_NULL words; the pattern comparators keep the unquoted text as before.
  const typed = useRaw && !['is', 'like', 'ilike', 'startsWith', 'endsWith'].includes(comparator);
  const raw = (typed ? node.rawValue : node.value) as string;
  switch (comparator) {
    case 'is': {
      if (raw !== 'NULL' && raw !== 'NOT_NULL') throw badRequest(`'filter' invalid for '${node.raw}'. 'is' accepts NULL or NOT_NULL`);
      if (raw === 'NULL') return { sql: nullEq ? `(${ref} IS NULL OR ${ref} = '')` : `${ref} IS NULL`, params: [] };
      return { sql: `${ref} IS NOT NULL`, params: [] };
    }
    case 'eq': {
      const v = typeValue(col, raw, comparator, typed);
      if (nullEq && (raw === '' || raw === 'NULL')) return { sql: `(${ref} = ? OR ${ref} IS NULL)`, params: [v] };
      return { sql: `${ref} = ?`, params: [v] };
    }
    case 'neq': {
      const v = typeValue(col, raw, comparator, typed);
      if (nullEq && (raw === '' || raw === 'NULL')) return { sql: `(${ref} != ? AND ${ref} IS NOT NULL)`, params: [v] };
      return { sql: `${ref} != ?`, params: [v] };
    }
    case 'gt':
      return { sql: `${ref} > ?`, params: [typeValue(col, raw, comparator, typed)] };
    case 'gte':
      return { sql: `${ref} >= ?`, params: [typeValue(col, raw, comparator, typed)] };
    case 'lt':
      return { sql: `${ref} < ?`, params: [typeValue(col, raw, comparator, typed)] };
    case 'lte':
      return { sql: `${ref} <= ?`, params: [typeValue(col, raw, comparator, typed)] };
    case 'like':
    case 'ilike': {
      checkLikePattern(raw);
      const fn = comparator === 'like' ? 'pg_like' : 'pg_ilike';
      if (nullEq && (raw === '' || raw === 'NULL')) return { sql: `(${fn}(${ref}, ?) OR ${ref} IS NULL)`, params: [raw] };
      return { sql: `${fn}(${ref}, ?)`, params: [raw] };
    }
    case 'startsWith':
      return { sql: `pg_starts_with(${ref}, ?)`, params: [raw] };
    case 'endsWith':
      return { sql: `pg_ends_with(${ref}, ?)`, params: [raw] };
  }
  throw badRequest(`Operator "${comparator}" is not supported`);
}

/** Postgres refuses a LIKE pattern ending in a lone escape character. */
function checkLikePattern(pattern: string): void {
  let escaped = false;
  for (const c of pattern) escaped = !escaped && c === '\\';
  if (escaped) throw badRequest('LIKE pattern must not end with escape character');
}

export function filterToSql(def: ObjectDef, node: FilterNode, ctx: Ctx, alias = 't'): SqlCondition {
  switch (node.kind) {
    case 'leaf':
      return leafSql(def, node, ctx, alias);
    case 'not': {
      const inner = filterToSql(def, node.child, ctx, alias);
      return { sql: `NOT (${inner.sql})`, params: inner.params };
    }
    default: {
      const parts = node.children.map((c) => filterToSql(def, c, ctx, alias));
      if (parts.length === 0) return { sql: node.kind === 'and' ? '1' : '0', params: [] };
      const joiner = node.kind === 'and' ? ' AND ' : ' OR ';
      return { sql: `(${parts.map((p) => `(${p.sql})`).join(joiner)})`, params: parts.flatMap((p) => p.params) };
    }
  }
}

/**
 * Postgres LIKE semantics, registered as SQLite functions by the store (§4: `%` any run, `_` one
 * character, backslash escapes the next character). Matched by a greedy two-pointer scan that
 * only ever backtracks to the last `%`: O(text × pattern) at worst, never exponential, so a
 * pattern like `%_%_%_…%Q` cannot stall the single-threaded server (a regex with one `[\s\S]*`
 * per `%` backtracks exponentially on it).
 */
type LikeToken = { kind: 'any' } | { kind: 'one' } | { kind: 'char'; ch: string };
const likeCache = new Map<string, LikeToken[]>();

function likeTokens(pattern: string): LikeToken[] {
  let tokens = likeCache.get(pattern);
  if (!tokens) {
    tokens = [];
    const chars = [...pattern];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c === '\\' && i + 1 < chars.length) tokens.push({ kind: 'char', ch: chars[++i] });
      else if (c === '%') {
        // Consecutive `%` are one wildcard; collapsing them keeps the scan simple.
        if (tokens[tokens.length - 1]?.kind !== 'any') tokens.push({ kind: 'any' });
      } else if (c === '_') tokens.push({ kind: 'one' });
      else tokens.push({ kind: 'char', ch: c });
    }
    if (likeCache.size > 5000) likeCache.clear();
    likeCache.set(pattern, tokens);
  }
  return tokens;
}

/** One code point against another; ilike folds case as the regex `iu` flags did. */
function sameChar(a: string, b: string, insensitive: boolean): boolean {
  if (a === b) return true;
  return insensitive && (a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase());
}

/** Whether `text` matches the LIKE `pattern`; `_` stands for one code point. */
export function likeMatch(text: string, pattern: string, insensitive: boolean): boolean {
  const tokens = likeTokens(pattern);
  const t = [...text];
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < t.length) {
    const tok = tokens[j];
    if (tok && (tok.kind === 'one' || (tok.kind === 'char' && sameChar(tok.ch, t[i], insensitive)))) {
      i++;
      j++;
    } else if (tok && tok.kind === 'any') {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      // Let the last `%` swallow one more character and retry what follows it.
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < tokens.length && tokens[j].kind === 'any') j++;
  return j === tokens.length;
}

/** Postgres' `::text` of a stored value, close enough for pattern matching. */
export const pgText = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
