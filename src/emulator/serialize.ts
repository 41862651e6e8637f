/** Stored row → the flat JSON record Twenty returns (twenty-rest.md §2, §10). */
import { type ColumnDef, type ObjectDef } from './objects.js';
import { isCompositeType } from './composites.js';

export type Row = Record<string, unknown>;
export type JsonRecord = Record<string, unknown> & { id: string };

export const fromStored = (col: ColumnDef, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  switch (col.kind) {
    case 'BOOLEAN':
      return value === 1 || value === true;
    case 'RAW_JSON':
      return JSON.parse(value as string);
    default:
      return value;
  }
};

const serializers = new WeakMap<ObjectDef, (row: Row) => JsonRecord>();

export function serializeRow(def: ObjectDef, row: Row): JsonRecord {
  let fn = serializers.get(def);
  if (!fn) {
    const plan = def.fields.map((field) => ({
      name: field.name,
      composite: isCompositeType(field.type),
      cols: def.columns.filter((c) => c.field === field),
    }));
    fn = (r: Row) => {
      const out: Record<string, unknown> = {};
      for (const p of plan) {
        if (p.composite) {
          const obj: Record<string, unknown> = {};
          for (const c of p.cols) obj[c.sub!.name] = fromStored(c, r[c.column]);
          out[p.name] = obj;
        } else {
          out[p.name] = fromStored(p.cols[0], r[p.cols[0].column]);
        }
      }
      return out as JsonRecord;
    };
    serializers.set(def, fn);
  }
  return fn(row);
}
