/**
 * What reports know about each object, derived from the one object model's read specs
 * (src/model/, so the reports follow that table as it changes):
 * - group fields: foreign keys (`id` kind), SELECT fields (`enum`), dates (`datetime`) and the
 *   currency of each money field, each under the enum name GraphQL uses (`COMPANY_ID`,
 *   `AMOUNT_CURRENCY_CODE`: the Twenty path in capitals, by the `…OrderField` enums' own rule);
 * - measures: money fields (Twenty's CURRENCY composite: `amountMicros` and `currencyCode`),
 *   summed per currency, and top-level numbers (`employees`), summed.
 * Left out: the record's own `id` and `deletedAt` (soft-deleted records never count), and
 * `position`, an ordering key rather than a quantity.
 */
import type { FilterFields, ScalarKind } from '../twenty/filter.js';
import type { ObjectPlural } from '../twenty/types.js';
import { SINGULAR } from '../twenty/names.js';
import { companySpec, noteSpec, opportunitySpec, orderEnumValue, personSpec, taskSpec } from '../model/index.js';

export type GroupFieldKind = 'id' | 'enum' | 'datetime' | 'currency';

export interface GroupField {
  /** GraphQL enum value, e.g. `CLOSE_DATE`. */
  name: string;
  /** Twenty path, e.g. `closeDate` or `amount.currencyCode`. */
  path: string;
  kind: GroupFieldKind;
}

export interface ReportObject {
  plural: ObjectPlural;
  /** Twenty's singular name (metadata, `stageInfo`-style option lookups). */
  singular: string;
  filterFields: FilterFields;
  groupFields: ReadonlyMap<string, GroupField>;
  /** CURRENCY composites, summed per currency. */
  money: readonly string[];
  /** Top-level NUMBER fields, summed. */
  numbers: readonly string[];
}

const NOT_MEASURES = new Set(['position']);
const NOT_GROUPS = new Set(['id', 'deletedAt']);

const isMoney = (spec: FilterFields[string]): boolean =>
  typeof spec === 'object' && Object.keys(spec).length === 2 && spec.amountMicros === 'number' && spec.currencyCode === 'string';

const GROUP_KINDS: Partial<Record<ScalarKind, GroupFieldKind>> = { id: 'id', enum: 'enum', datetime: 'datetime' };

function reportObject(spec: { plural: ObjectPlural; filterFields: FilterFields }): ReportObject {
  const groupFields = new Map<string, GroupField>();
  const money: string[] = [];
  const numbers: string[] = [];
  for (const [field, kind] of Object.entries(spec.filterFields)) {
    if (typeof kind === 'string') {
      const groupKind = GROUP_KINDS[kind];
      if (groupKind && !NOT_GROUPS.has(field)) groupFields.set(orderEnumValue(field), { name: orderEnumValue(field), path: field, kind: groupKind });
      if (kind === 'number' && !NOT_MEASURES.has(field)) numbers.push(field);
    } else if (isMoney(kind)) {
      money.push(field);
      const path = `${field}.currencyCode`;
      groupFields.set(orderEnumValue(path), { name: orderEnumValue(path), path, kind: 'currency' });
    }
  }
  return { plural: spec.plural, singular: SINGULAR[spec.plural], filterFields: spec.filterFields, groupFields, money, numbers };
}

export const REPORT_OBJECTS = {
  opportunities: reportObject(opportunitySpec),
  companies: reportObject(companySpec),
  people: reportObject(personSpec),
  tasks: reportObject(taskSpec),
  notes: reportObject(noteSpec),
} as const;

const REPORT_OBJECT_BY_SINGULAR = new Map<string, ReportObject>(Object.values(REPORT_OBJECTS).map((o) => [o.singular, o]));

/**
 * The object a report field reads (for caches of whole responses): `pipeline` and `forecast`
 * read opportunities, `<singular>Groups` that object, `taskSummary` tasks; undefined otherwise.
 */
export function objectReadByReport(field: string): ObjectPlural | undefined {
  if (field === 'pipeline' || field === 'forecast') return 'opportunities';
  if (field === 'taskSummary') return 'tasks';
  const groups = /^(\w+)Groups$/.exec(field);
  return groups ? REPORT_OBJECT_BY_SINGULAR.get(groups[1])?.plural : undefined;
}
