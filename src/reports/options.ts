/**
 * SELECT fields in reports: the workspace's options (§10: they differ per workspace, read from
 * the metadata cache), and the domain that cuts a grouped query by option when one groupBy
 * answer cannot hold every group.
 */
import { buildFilter } from '../twenty/filter.js';
import type { SelectOption } from '../twenty/types.js';
import { getSelectOptions } from '../workspace/metadata.js';
import { reportClient, type ReportContext } from './fetch.js';
import type { Domain } from './group-query.js';
import type { ReportObject } from './objects.js';

/** The options of `field` on `object`, by position (the metadata read, when not cached, at report priority). */
export function optionsOf(ctx: ReportContext, object: ReportObject, field: string): Promise<SelectOption[]> {
  return getSelectOptions({ tokenKey: ctx.tokenKey, client: reportClient(ctx) }, object.singular, field);
}

/** Stands for every value that is not an option (none included). */
const OTHER = '\u0000other';

/**
 * Items: each option, and "anything else" (no value, or one the workspace no longer lists), so
 * the parts cover every record. Undefined when a value cannot be written exactly in a filter:
 * a wider filter would count records twice.
 */
export async function optionDomain(ctx: ReportContext, object: ReportObject, field: string): Promise<Domain | undefined> {
  const values = (await optionsOf(ctx, object, field)).map((o) => o.value);
  if (values.length === 0) return undefined;
  const fields = { [field]: 'enum' as const };
  const inList = (list: string[]) => ({ [field]: { in: list } });
  const other = { or: [{ [field]: { isNull: true } }, { not: inList(values) }] };
  if (buildFilter(other, fields).residual) return undefined;
  return {
    items: [...values, OTHER],
    filterFor(items, whole) {
      if (whole) return undefined;
      const listed = items.filter((item) => item !== OTHER);
      const parts = [...(listed.length > 0 ? [inList(listed)] : []), ...(items.includes(OTHER) ? [other] : [])];
      return buildFilter({ or: parts }, fields).filter;
    },
  };
}
