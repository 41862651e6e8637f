/**
 * Grouped aggregates of any object (`opportunityGroups`, `companyGroups`, …): one grouped query
 * by the fields asked for plus each money field's currency, merged back into one group per key
 * with a sum per currency, never mixed.
 */
import { BadUserInputError } from '../errors.js';
import type { CompositeValue } from '../resolvers/composite.js';
import { periodLabel, type Granularity } from './dates.js';
import { cachedRows, reportFilter, type ReportContext } from './fetch.js';
import { allDimensions, type Dimension, type GroupQuery } from './group-query.js';
import { addTo, moneyList, type ByCurrency } from './money.js';
import type { GroupField, ReportObject } from './objects.js';
import { optionDomain, optionsOf } from './options.js';
import { compareKeys } from './order.js';

/** What `AggregateValue` resolves from. */
export interface AggregateValueValue {
  field: string;
  money: CompositeValue | null;
  number: number | null;
}

/** What `AggregateGroup` resolves from; `by` and `object` are for its labels. */
export interface AggregateGroupValue {
  key: Array<string | null>;
  count: number;
  sums: AggregateValueValue[];
  averages: AggregateValueValue[];
  by: Array<{ field: GroupField; granularity?: Granularity }>;
  object: ReportObject;
}

export interface GroupsArgs {
  by: readonly string[];
  filter?: unknown;
  dateGranularity?: Granularity | null;
  first?: number | null;
}

/** More fields than this multiply groups past what a chart shows. */
const MAX_GROUP_FIELDS = 4;

export async function groupsReport(ctx: ReportContext, object: ReportObject, args: GroupsArgs): Promise<AggregateGroupValue[]> {
  if (args.by.length === 0 || args.by.length > MAX_GROUP_FIELDS) {
    throw new BadUserInputError(`"by" takes from 1 to ${MAX_GROUP_FIELDS} fields.`, { argument: 'by' });
  }
  if (new Set(args.by).size !== args.by.length) throw new BadUserInputError('"by" names a field twice.', { argument: 'by' });
  if (args.first != null && args.first < 0) throw new BadUserInputError('"first" must not be negative.', { argument: 'first' });
  const granularity = args.dateGranularity ?? 'MONTH';
  const by = args.by.map((name) => {
    const field = object.groupFields.get(name);
    if (!field) throw new Error(`${name} is not a group field of ${object.plural}`); // the SDL enum and the derived table disagree: a bug
    return field.kind === 'datetime' ? { field, granularity } : { field };
  });
  const dimensions: Dimension[] = by.map(({ field, granularity: g }) => ({ path: field.path, ...(g ? { granularity: g } : {}) }));
  const query: GroupQuery = {
    object,
    dimensions,
    filter: reportFilter(object, args.filter),
    filterKey: JSON.stringify(args.filter ?? null),
    domains: async () => {
      const selects = by.filter(({ field }) => field.kind === 'enum');
      const domains = await Promise.all(selects.map(({ field }) => optionDomain(ctx, object, field.path)));
      return domains.filter((d) => d !== undefined);
    },
  };
  const rows = await cachedRows(ctx, query);
  const dims = allDimensions(query);
  const currencyAt = new Map(object.money.map((field) => [field, dims.findIndex((d) => d.path === `${field}.currencyCode`)]));

  interface Merged {
    key: Array<string | null>;
    count: number;
    money: Map<string, { sums: ByCurrency; averages: ByCurrency }>;
    numbers: Map<string, { sum: number; count: number }>;
  }
  const merged = new Map<string, Merged>();
  for (const row of rows) {
    const key = row.key.slice(0, by.length);
    const id = JSON.stringify(key);
    let group = merged.get(id);
    if (!group) {
      group = { key, count: 0, money: new Map(), numbers: new Map() };
      for (const field of object.money) group.money.set(field, { sums: new Map(), averages: new Map() });
      for (const field of object.numbers) group.numbers.set(field, { sum: 0, count: 0 });
      merged.set(id, group);
    }
    group.count += row.count;
    for (const field of object.money) {
      const { sum, average } = row.money[field];
      const currency = row.key[currencyAt.get(field)!];
      // One row per key and currency: its average is the group's in that currency.
      if (sum !== null) addTo(group.money.get(field)!.sums, currency, sum);
      if (average !== null) group.money.get(field)!.averages.set(currency, average);
    }
    for (const field of object.numbers) {
      const n = group.numbers.get(field)!;
      n.sum += row.numbers[field].sum;
      n.count += row.numbers[field].count;
    }
  }

  const chronological = by.some(({ field }) => field.kind === 'datetime');
  const groups = [...merged.values()].sort((a, b) => (chronological ? 0 : b.count - a.count) || compareKeys(a.key, b.key));
  return groups.slice(0, args.first ?? undefined).map((group) => {
    const values = (pick: 'sums' | 'averages'): AggregateValueValue[] => [
      ...object.money.flatMap((field) => moneyList(group.money.get(field)![pick]).map((money) => ({ field, money, number: null }))),
      ...object.numbers.flatMap((field) => {
        const n = group.numbers.get(field)!;
        if (n.count === 0) return [];
        return [{ field, money: null, number: pick === 'sums' ? n.sum : n.sum / n.count }];
      }),
    ];
    return { key: group.key, count: group.count, sums: values('sums'), averages: values('averages'), by, object };
  });
}

/** The group's key for display: option labels, period names, else the key itself. */
export async function groupLabels(ctx: ReportContext, group: AggregateGroupValue): Promise<Array<string | null>> {
  return Promise.all(
    group.by.map(async ({ field, granularity }, i) => {
      const value = group.key[i];
      if (value === null) return null;
      if (field.kind === 'datetime' && granularity) return periodLabel(value, granularity);
      if (field.kind === 'enum') return (await optionsOf(ctx, group.object, field.path)).find((o) => o.value === value)?.label ?? value;
      return value;
    }),
  );
}
