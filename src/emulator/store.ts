/**
 * Record storage and queries for one database: find many with filter, order and keyset paging,
 * find one, writes, and the depth-1 relation loading of twenty-rest.md §6.
 */
import type Database from 'better-sqlite3';
import { type Db } from './db.js';
import { type FilterNode, mentionsDeletedAt } from './filter-parse.js';
import { type SqlCondition, filterToSql } from './filter-sql.js';
import { badRequest } from './http-error.js';
import { type ObjectDef, type ObjectRegistry } from './objects.js';
import { type OrderKey, afterCursorSql, cursorValue, decodeCursor, orderSql, toStored } from './order.js';
import { type JsonRecord, type Row, serializeRow } from './serialize.js';
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

export class Store {
  private readonly statements = new Map<string, Database.Statement>();

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
    const row = this.stmt(`SELECT COUNT(*) AS c FROM ${q(def.plural)} t WHERE ${where.sql}`).get(...where.params) as { c: number };
    return row.c;
  }

  findMany(ws: string, def: ObjectDef, args: FindManyArgs): FindManyResult {
    const where = this.where(ws, def, args.filter);
    const totalCount = this.count(ws, def, args.filter);
    const cursor = args.endingBefore ?? args.startingAfter;
    const reverse = args.endingBefore !== undefined;
    let sql = `SELECT t.* FROM ${q(def.plural)} t WHERE ${where.sql}`;
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

  insert(ws: string, def: ObjectDef, values: ColumnValues): void {
    const cols = Object.keys(values);
    this.stmt(
      `INSERT INTO ${q(def.plural)} ("ws", ${cols.map(q).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`,
    ).run(ws, ...cols.map((c) => values[c]));
  }

  update(ws: string, def: ObjectDef, id: string, values: ColumnValues): void {
    const cols = Object.keys(values);
    if (cols.length === 0) return;
    this.stmt(`UPDATE ${q(def.plural)} SET ${cols.map((c) => `${q(c)} = ?`).join(', ')} WHERE "ws" = ? AND "id" = ?`).run(
      ...cols.map((c) => values[c]),
      ws,
      id,
    );
  }

  /** Hard delete: like Twenty's foreign keys, links to the record are nulled and its targets go. */
  destroy(ws: string, def: ObjectDef, id: string): void {
    for (const other of this.registry.values()) {
      for (const rel of other.manyToOne) {
        if (rel.target !== def.plural) continue;
        const column = other.fieldsByName.get(rel.fk)!.column;
        const cascade = column === 'noteId' || column === 'taskId';
        this.stmt(
          cascade
            ? `DELETE FROM ${q(other.plural)} WHERE "ws" = ? AND ${q(column)} = ?`
            : `UPDATE ${q(other.plural)} SET ${q(column)} = NULL WHERE "ws" = ? AND ${q(column)} = ?`,
        ).run(ws, id);
      }
    }
    this.stmt(`DELETE FROM ${q(def.plural)} WHERE "ws" = ? AND "id" = ?`).run(ws, id);
  }

  minPosition(ws: string, def: ObjectDef): number {
    const row = this.stmt(`SELECT MIN("position") AS p FROM ${q(def.plural)} WHERE "ws" = ?`).get(ws) as { p: number | null };
    return row.p ?? 1;
  }

  /** §6 depth 1: many-to-one objects and one-to-many arrays (capped at 60) on each record. */
  attachRelations(ws: string, def: ObjectDef, records: JsonRecord[]): void {
    if (records.length === 0) return;
    for (const rel of def.manyToOne) {
      const target = this.registry.get(rel.target)!;
      const ids = [...new Set(records.map((r) => r[rel.fk]).filter((v): v is string => typeof v === 'string'))];
      const byId = new Map<string, JsonRecord>();
      for (const chunk of chunks(ids, 500)) {
        const rows = this.stmt(
          `SELECT t.* FROM ${q(target.plural)} t WHERE t."ws" = ? AND t."deletedAt" IS NULL AND t."id" IN (${chunk.map(() => '?').join(',')})`,
        ).all(ws, ...chunk) as Row[];
        for (const row of rows) byId.set(row.id as string, serializeRow(target, row));
      }
      for (const record of records) {
        const fk = record[rel.fk];
        record[rel.name] = typeof fk === 'string' ? (byId.get(fk) ?? null) : null;
      }
    }
    for (const rel of def.oneToMany) {
      const target = this.registry.get(rel.target)!;
      const fkColumn = target.fieldsByName.get(rel.fk)!.column;
      const byParent = new Map<string, JsonRecord[]>();
      for (const chunk of chunks(records.map((r) => r.id), 500)) {
        const rows = this.stmt(
          `SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.${q(fkColumn)} ORDER BY t."id") AS "__rn" FROM ${q(target.plural)} t ` +
            `WHERE t."ws" = ? AND t."deletedAt" IS NULL AND t.${q(fkColumn)} IN (${chunk.map(() => '?').join(',')})) WHERE "__rn" <= ${NESTED_LIMIT} ORDER BY "id"`,
        ).all(ws, ...chunk) as Row[];
        for (const row of rows) {
          const parent = row[fkColumn] as string;
          let list = byParent.get(parent);
          if (!list) byParent.set(parent, (list = []));
          list.push(serializeRow(target, row));
        }
      }
      for (const record of records) record[rel.name] = byParent.get(record.id) ?? [];
    }
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
