/**
 * SQLite storage: one table per object, one column per scalar field or composite sub-field, all
 * rows tagged with their workspace. Tables are clustered on (ws, id) so the default page (id
 * order) is a range scan; indexes cover foreign keys and the usual orderings.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { likeToRegExp, pgText } from './filter-sql.js';
import { type ObjectDef, type ObjectRegistry } from './objects.js';
import { type ScalarKind } from './composites.js';

export type Db = Database.Database;

const SQL_TYPE: Record<ScalarKind, string> = {
  UUID: 'TEXT',
  TEXT: 'TEXT',
  NUMBER: 'REAL',
  NUMERIC: 'INTEGER',
  BOOLEAN: 'INTEGER',
  DATE_TIME: 'TEXT',
  SELECT: 'TEXT',
  RAW_JSON: 'TEXT',
};

/** Orderings worth an index beyond foreign keys, by object. */
const ORDER_INDEXES: Record<string, string[]> = {
  companies: ['name', 'employees'],
  people: ['nameFirstName', 'nameLastName', 'emailsPrimaryEmail'],
  opportunities: ['name', 'stage', 'closeDate', 'amountAmountMicros'],
  tasks: ['dueAt', 'status'],
};

function tableDdl(def: ObjectDef): string[] {
  const t = `"${def.plural}"`;
  const cols = def.columns.map((c) => `"${c.column}" ${SQL_TYPE[c.kind]}${c.column === 'id' ? ' NOT NULL' : ''}`);
  const statements = [`CREATE TABLE IF NOT EXISTS ${t} ("ws" TEXT NOT NULL, ${cols.join(', ')}, PRIMARY KEY ("ws", "id")) WITHOUT ROWID`];
  const indexed = new Set<string>(['deletedAt', 'createdAt', 'updatedAt']);
  if (def.columnsByName.has('position')) indexed.add('position');
  for (const rel of def.manyToOne) indexed.add(def.fieldsByName.get(rel.fk)!.column);
  for (const c of ORDER_INDEXES[def.plural] ?? []) indexed.add(c);
  for (const c of indexed) {
    statements.push(`CREATE INDEX IF NOT EXISTS "${def.plural}_${c}" ON ${t} ("ws", "${c}")`);
  }
  return statements;
}

export function openDb(file: string, registry: ObjectRegistry): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.exec('CREATE TABLE IF NOT EXISTS "emulator_meta" ("key" TEXT PRIMARY KEY, "value" TEXT)');
  for (const def of registry.values()) for (const sql of tableDdl(def)) db.exec(sql);
  registerFunctions(db);
  return db;
}

/** Postgres string operators that SQLite lacks or does differently (see filter-sql.ts). */
function registerFunctions(db: Db): void {
  const det = { deterministic: true };
  const like = (insensitive: boolean) => (value: unknown, pattern: unknown) => {
    const text = pgText(value);
    if (text === null || pattern === null) return null;
    return likeToRegExp(String(pattern), insensitive).test(text) ? 1 : 0;
  };
  db.function('pg_like', det, like(false));
  db.function('pg_ilike', det, like(true));
  db.function('pg_starts_with', det, (value: unknown, prefix: unknown) => {
    const text = pgText(value);
    return text === null || prefix === null ? null : text.startsWith(String(prefix)) ? 1 : 0;
  });
  db.function('pg_ends_with', det, (value: unknown, suffix: unknown) => {
    const text = pgText(value);
    return text === null || suffix === null ? null : text.endsWith(String(suffix)) ? 1 : 0;
  });
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT "value" FROM "emulator_meta" WHERE "key" = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO "emulator_meta" ("key", "value") VALUES (?, ?)').run(key, value);
}
