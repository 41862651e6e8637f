/**
 * Record storage and queries for one database: find many with filter, order and keyset paging,
 * find one, writes, and the depth-1 relation loading of twenty-rest.md §6.
 */
import type Database from 'better-sqlite3';
import { DOC, type Db } from './db.js';
import { type FilterNode, mentionsDeletedAt } from './filter-parse.js';
import { type SqlCondition, filterToSql } from './filter-sql.js';
import { badRequest } from './http-error.js';
import { type ObjectDef, type ObjectRegistry } from './objects.js';
import { type OrderKey, afterCursorSql, cursorValue, decodeCursor, orderSql, toStored } from './order.js';
import { RawJson } from './raw-json.js';
import { type Row, serializeRow } from './serialize.js';
import { type ColumnValues } from './validate.js';

/** §6: one-to-many arrays at depth 1 hold at most this many records. */
export const NESTED_LIMIT = 60;

export interface FindManyArgs {
  filter: FilterNode | null;
  order: OrderKey[];
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

export interface FindManyResult {
  rows: Row[];
  totalCount: number;
  /** More records beyond this page in the reading direction. */
  hasMore: boolean;
}

const q = (identifier: string): string => `"${identifier}"`;

/** Link objects whose every many-to-one relation is ON DELETE CASCADE in Twenty. */
const CASCADE_OBJECTS = ['noteTargets', 'taskTargets'];

export class Store {
  private readonly statements = new Map<string, Database.Statement>();
  /** totalCount per (query, params), dropped on every write: paging repeats the same count. */
  private counts = new Map<string, number>();

  constructor(
    readonly db: Db,
    readonly registry: ObjectRegistry,
  ) {}

  /** Prepared statements are cached by SQL text; the text never holds user values. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 2000) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Workspace, soft-delete rule (§4) and the filter, as one condition on alias `t`. */
  where(ws: string, def: ObjectDef, filter: FilterNode | null): SqlCondition {
    const parts = ['t."ws" = ?'];
    const params: unknown[] = [ws];
    if (!mentionsDeletedAt(filter)) parts.push('t."deletedAt" IS NULL');
    if (filter) {
      const cond = filterToSql(def, filter, { registry: this.registry, ws, objectName: def.singular });
      parts.push(cond.sql);
      params.push(...cond.params);
    }
    return { sql: parts.join(' AND '), params };
  }

  count(ws: string, def: ObjectDef, filter: FilterNode | null): number {
    const where = this.where(ws, def, filter);
    const sql = `SELECT COUNT(*) AS c FROM ${q(def.plural)} t WHERE ${where.sql}`;
    const key = sql + JSON.stringify(where.params);
    let count = this.counts.get(key);
    if (count === undefined) {
      count = (this.stmt(sql).get(...where.params) as { c: number }).c;
      if (this.counts.size > 1000) this.counts.clear();
      this.counts.set(key, count);
    }
    return count;
  }

  /** Columns a list read needs besides the document: order keys (cursors) and foreign keys (depth 1). */
  private listColumns(def: ObjectDef, order: OrderKey[]): string {
    const cols = new Set<string>(['id', ...order.map((k) => k.col.column)]);
    for (const rel of def.manyToOne) cols.add(def.fieldsByName.get(rel.fk)!.column);
    return [...cols].map((c) => `t.${q(c)}`).join(', ') + `, t.${q(DOC)}`;
  }

  findMany(ws: string, def: ObjectDef, args: FindManyArgs): FindManyResult {
    const where = this.where(ws, def, args.filter);
    const totalCount = this.count(ws, def, args.filter);
    const cursor = args.endingBefore ?? args.startingAfter;
    const reverse = args.endingBefore !== undefined;
    let sql = `SELECT ${this.listColumns(def, args.order)} FROM ${q(def.plural)} t WHERE ${where.sql}`;
    const params = [...where.params];
    if (cursor !== undefined) {
      const after = afterCursorSql(args.order, this.cursorValues(ws, def, args.order, cursor), 't', reverse);
      sql += ` AND ${after.sql}`;
      params.push(...after.params);
    }
    sql += ` ORDER BY ${orderSql(args.order, 't', reverse)} LIMIT ?`;
    params.push(args.limit + 1);
    let rows = this.stmt(sql).all(...params) as Row[];
    const hasMore = rows.length > args.limit;
    if (hasMore) rows = rows.slice(0, args.limit);
    if (reverse) rows.reverse();
    return { rows, totalCount, hasMore };
  }

  /** Every order key's stored value from a cursor; keys it lacks are read from the record it names. */
  private cursorValues(ws: string, def: ObjectDef, order: OrderKey[], cursor: string): unknown[] {
    const payload = decodeCursor(cursor);
    let row: Row | undefined;
    return order.map((key) => {
      const value = cursorValue(payload, key);
      if (value !== undefined) return toStored(key.col, value);
      if (row === undefined) {
        if (typeof payload.id !== 'string') throw badRequest('Invalid cursor');
        row = this.findById(ws, def, payload.id, true);
        if (!row) throw badRequest('Invalid cursor');
      }
      return row[key.col.column] ?? null;
    });
  }

  findById(ws: string, def: ObjectDef, id: string, includeDeleted = false): Row | undefined {
    const deleted = includeDeleted ? '' : ' AND t."deletedAt" IS NULL';
    return this.stmt(`SELECT t.* FROM ${q(def.plural)} t WHERE t."ws" = ? AND t."id" = ?${deleted}`).get(ws, id.toLowerCase()) as
      | Row
      | undefined;
  }

  findAll(ws: string, def: ObjectDef, filter: FilterNode | null, cap: number): Row[] {
    const where = this.where(ws, def, filter);
    return this.stmt(`SELECT t.* FROM ${q(def.plural)} t WHERE ${where.sql} ORDER BY t."id" LIMIT ?`).all(...where.params, cap) as Row[];
  }

  /** Inserts a full set of column values (see toColumnValues with defaults) and its document. */
  insert(ws: string, def: ObjectDef, values: ColumnValues): void {
    this.counts.clear();
    const cols = Object.keys(values);
    const doc = JSON.stringify(serializeRow(def, values));
    this.stmt(
      `INSERT INTO ${q(def.plural)} ("ws", ${cols.map(q).join(', ')}, ${q(DOC)}) VALUES (?, ${cols.map(() => '?').join(', ')}, ?)`,
    ).run(ws, ...cols.map((c) => values[c]), doc);
  }

  update(ws: string, def: ObjectDef, id: string, values: ColumnValues): void {
    this.counts.clear();
    const cols = Object.keys(values);
    if (cols.length > 0) {
      this.stmt(`UPDATE ${q(def.plural)} SET ${cols.map((c) => `${q(c)} = ?`).join(', ')} WHERE "ws" = ? AND "id" = ?`).run(
        ...cols.map((c) => values[c]),
        ws,
        id,
      );
    }
    const row = this.findById(ws, def, id, true);
    if (row) {
      const exact = { ...row, ...exactNumerics(def, row, values) };
      this.stmt(`UPDATE ${q(def.plural)} SET ${q(DOC)} = ? WHERE "ws" = ? AND "id" = ?`).run(JSON.stringify(serializeRow(def, exact)), ws, id);
    }
  }

  /** Points every link to `fromId` (through any foreign key to this object) at `toId`, or nulls it. */
  relink(ws: string, def: ObjectDef, fromId: string, toId: string | null): void {
    for (const other of this.registry.values()) {
      for (const rel of other.manyToOne) {
        if (rel.target !== def.plural) continue;
        const column = other.fieldsByName.get(rel.fk)!.column;
        const ids = this.stmt(`SELECT "id" FROM ${q(other.plural)} WHERE "ws" = ? AND ${q(column)} = ?`).all(ws, fromId) as Row[];
        for (const { id } of ids) this.update(ws, other, id as string, { [column]: toId });
      }
    }
  }

  /**
   * Hard delete (§1), with Twenty's foreign keys: every relation of a noteTarget/taskTarget
   * (its note or task and its target person, company or opportunity) is ON DELETE CASCADE, so
   * those link rows go with either end; other links (person.company, opportunity.pointOfContact,
   * …) are SET NULL.
   */
  destroy(ws: string, def: ObjectDef, id: string): void {
    this.counts.clear();
    for (const plural of CASCADE_OBJECTS) {
      const linker = this.registry.get(plural);
      if (!linker) continue;
      for (const rel of linker.manyToOne) {
        if (rel.target !== def.plural) continue;
        const column = linker.fieldsByName.get(rel.fk)!.column;
        this.stmt(`DELETE FROM ${q(plural)} WHERE "ws" = ? AND ${q(column)} = ?`).run(ws, id);
      }
    }
    this.relink(ws, def, id, null);
    this.stmt(`DELETE FROM ${q(def.plural)} WHERE "ws" = ? AND "id" = ?`).run(ws, id);
  }

  minPosition(ws: string, def: ObjectDef): number {
    const row = this.stmt(`SELECT MIN("position") AS p FROM ${q(def.plural)} WHERE "ws" = ?`).get(ws) as { p: number | null };
    return row.p ?? 1;
  }

  /**
   * The records' documents, with §6's depth-1 relations spliced in when asked (all of them, or
   * those in `only`, §13): many-to-one as a nested object, one-to-many as an array capped at 60. `rows` come from a list read (they hold
   * the document, id and foreign keys).
   */
  documents(ws: string, def: ObjectDef, rows: Row[], depth: 0 | 1, only?: ReadonlySet<string>): RawJson[] {
    if (depth === 0 || rows.length === 0) return rows.map((r) => new RawJson(r[DOC] as string));
    const extras: string[][] = rows.map(() => []);
    const expanded = (name: string) => only === undefined || only.has(name);
    for (const rel of def.manyToOne) {
      if (!expanded(rel.name)) continue;
      const target = this.registry.get(rel.target)!;
      const fkColumn = def.fieldsByName.get(rel.fk)!.column;
      const ids = [...new Set(rows.map((r) => r[fkColumn]).filter((v): v is string => typeof v === 'string'))];
      const byId = new Map<string, string>();
      for (const chunk of chunks(ids, 500)) {
        const found = this.stmt(
          `SELECT t."id", t.${q(DOC)} FROM ${q(target.plural)} t WHERE t."ws" = ? AND t."deletedAt" IS NULL AND t."id" IN (${chunk.map(() => '?').join(',')})`,
        ).all(ws, ...chunk) as Row[];
        for (const row of found) byId.set(row.id as string, row[DOC] as string);
      }
      rows.forEach((row, i) => {
        const fk = row[fkColumn];
        extras[i].push(`${JSON.stringify(rel.name)}:${(typeof fk === 'string' && byId.get(fk)) || 'null'}`);
      });
    }
    for (const rel of def.oneToMany) {
      if (!expanded(rel.name)) continue;
      const target = this.registry.get(rel.target)!;
      const fkColumn = target.fieldsByName.get(rel.fk)!.column;
      const byParent = new Map<string, string[]>();
      for (const chunk of chunks(rows.map((r) => r.id as string), 500)) {
        const found = this.stmt(
          `SELECT "fk", "doc" FROM (SELECT t.${q(fkColumn)} AS "fk", t.${q(DOC)} AS "doc", t."id" AS "id", ROW_NUMBER() OVER (PARTITION BY t.${q(fkColumn)} ORDER BY t."id") AS "rn" FROM ${q(target.plural)} t ` +
            `WHERE t."ws" = ? AND t."deletedAt" IS NULL AND t.${q(fkColumn)} IN (${chunk.map(() => '?').join(',')})) WHERE "rn" <= ${NESTED_LIMIT} ORDER BY "id"`,
        ).all(ws, ...chunk) as Row[];
        for (const row of found) {
          const parent = row.fk as string;
          let list = byParent.get(parent);
          if (!list) byParent.set(parent, (list = []));
          list.push(row.doc as string);
        }
      }
      rows.forEach((row, i) => extras[i].push(`${JSON.stringify(rel.name)}:[${(byParent.get(row.id as string) ?? []).join(',')}]`));
    }
    return rows.map((row, i) => {
      const doc = row[DOC] as string;
      return new RawJson(extras[i].length ? `${doc.slice(0, -1)},${extras[i].join(',')}}` : doc);
    });
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * NUMERIC values beyond 2^53 as their exact decimal text: the one just written, or the one the
 * record's previous document holds when the column (SQLite keeps such values as REAL) still
 * matches it. The document is what reads return, so they stay exact across later updates.
 */
function exactNumerics(def: ObjectDef, row: Row, written: ColumnValues): Row {
  const exact: Row = {};
  let previous: Record<string, unknown> | undefined;
  for (const col of def.columns) {
    if (col.kind !== 'NUMERIC') continue;
    const value = written[col.column] ?? row[col.column];
    if (typeof value === 'string') {
      exact[col.column] = value;
    } else if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      previous ??= JSON.parse(row[DOC] as string) as Record<string, unknown>;
      const held = col.sub ? (previous[col.field.name] as Record<string, unknown> | null)?.[col.sub.name] : previous[col.field.name];
      if (typeof held === 'string' && Number(held) === value) exact[col.column] = held;
    }
  }
  return exact;
}
