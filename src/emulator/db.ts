/**
 * SQLite storage: one table per object, one column per scalar field or composite sub-field, all
 * rows tagged with their workspace. A unique (ws, id) index serves the default page (id order);
 * other indexes cover foreign keys and the usual orderings.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { likeMatch, pgText } from './filter-sql.js';
import { registerGroupByFunctions } from './group-by.js';
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

/**
 * `__doc` holds the record's serialised JSON (depth 0), kept in step by every write: reads answer
 * by joining these strings instead of building wide row objects, which is what keeps a 60-record
 * page within the 2 ms budget.
 */
export const DOC = '__doc';

function tableDdl(def: ObjectDef): string {
  const cols = def.columns.map((c) => `"${c.column}" ${SQL_TYPE[c.kind]}${c.column === 'id' ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS "${def.plural}" ("ws" TEXT NOT NULL, ${cols.join(', ')}, "${DOC}" TEXT NOT NULL)`;
}

/** Extra composite indexes: covering ones for the groupBy the benchmarks run. */
const EXTRA_INDEXES: Record<string, string[][]> = {
  opportunities: [['deletedAt', 'stage', 'amountAmountMicros']],
};

function indexDdl(def: ObjectDef): string[] {
  const t = `"${def.plural}"`;
  // Rows are wide (a document each): a rowid table with a unique (ws, id) index keeps inserts appends.
  const statements: string[] = [`CREATE UNIQUE INDEX IF NOT EXISTS "${def.plural}_pk" ON ${t} ("ws", "id")`];
  const indexed = new Set<string>(['deletedAt', 'createdAt', 'updatedAt']);
  if (def.columnsByName.has('position')) indexed.add('position');
  for (const rel of def.manyToOne) indexed.add(def.fieldsByName.get(rel.fk)!.column);
  for (const c of ORDER_INDEXES[def.plural] ?? []) indexed.add(c);
  for (const c of indexed) {
    statements.push(`CREATE INDEX IF NOT EXISTS "${def.plural}_${c}" ON ${t} ("ws", "${c}")`);
  }
  for (const cols of EXTRA_INDEXES[def.plural] ?? []) {
    statements.push(`CREATE INDEX IF NOT EXISTS "${def.plural}_${cols.join('_')}" ON ${t} ("ws", ${cols.map((c) => `"${c}"`).join(', ')})`);
  }
  return statements;
}

/** Indexes are built after seeding: sorting once beats maintaining them row by row. */
export function ensureIndexes(db: Db, registry: ObjectRegistry): void {
  for (const def of registry.values()) for (const sql of indexDdl(def)) db.exec(sql);
  db.exec('ANALYZE');
}

/** Bumped when the table layout changes; a file database of another version is rebuilt. */
const SCHEMA_VERSION = '2';

export function openDb(file: string, registry: ObjectRegistry): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.exec('CREATE TABLE IF NOT EXISTS "emulator_meta" ("key" TEXT PRIMARY KEY, "value" TEXT)');
  if (getMeta(db, 'schema') !== SCHEMA_VERSION) {
    db.transaction(() => {
      for (const def of registry.values()) db.exec(`DROP TABLE IF EXISTS "${def.plural}"`);
      db.exec('DELETE FROM "emulator_meta"');
      setMeta(db, 'schema', SCHEMA_VERSION);
    })();
  }
  for (const def of registry.values()) db.exec(tableDdl(def));
  registerFunctions(db);
  return db;
}

/** Postgres string operators that SQLite lacks or does differently (see filter-sql.ts). */
function registerFunctions(db: Db): void {
  const det = { deterministic: true };
  const like = (insensitive: boolean) => (value: unknown, pattern: unknown) => {
    const text = pgText(value);
    if (text === null || pattern === null) return null;
    return likeMatch(text, String(pattern), insensitive) ? 1 : 0;
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
  registerGroupByFunctions(db);
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT "value" FROM "emulator_meta" WHERE "key" = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO "emulator_meta" ("key", "value") VALUES (?, ?)').run(key, value);
}
