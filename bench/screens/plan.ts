/**
 * The minimal REST plan of each screen, written by hand: the fewest calls in the fewest round
 * trips that still give the exact answer. `depth=1` inlines to-one relations and one-to-many
 * arrays of up to 60 records (twenty-rest.md §6); an array that reached 60 may be cut, so the plan
 * then reads that relation in full (the fallback never runs on the benchmark's data sets, where
 * no company has 60 people or deals). Run in the harness, with no GraphQL server in the timing.
 */
import type { Json, RestClient } from '../lib/rest.js';
import { canonical, STAGES, type Digest } from './digest.js';
import { searchFilter, type ScreenVars } from './vars.js';

/** Twenty's cap on a one-to-many array inlined by depth=1 (§6). */
const DEPTH_ARRAY_CAP = 60;

/** A parent's inlined one-to-many array, or the whole relation when the array may be cut. */
async function whole(rest: RestClient, parent: Json, relation: string, plural: string, field: string): Promise<Json[]> {
  const inlined: Json[] = parent[relation] ?? [];
  if (inlined.length < DEPTH_ARRAY_CAP) return inlined;
  return (await rest.list(plural, { filter: `${field}[eq]:${parent.id}` })).records;
}

/** The plans, with a one-line description each for the results table. */
export const planNotes: Record<string, string> = {
  a: '`companies?depth=1`: owners inlined, counts from the inlined arrays',
  b: '`companies/{id}?depth=1` (people inlined) ∥ deals, note targets, task targets of the id with `depth=1`',
  c: 'one `opportunities?filter=stage…&limit=20&depth=1` per stage, in parallel',
  d: '`people?filter=or(…ilike…)&limit=10&depth=1`',
  e: '`companies?depth=1`: owners, people, deals inlined; contacts are among the companies\' people (else one `id[in]` call)',
};

export const plan: Record<string, (rest: RestClient, vars: ScreenVars) => Promise<Digest>> = {
  async a(rest) {
    const companies = (await rest.get('companies', { limit: 60, depth: 1 })).data.companies as Json[];
    // A capped array's count comes from one grouped count per relation (§7).
    const capped = (relation: string) => companies.filter((c) => (c[relation] ?? []).length >= DEPTH_ARRAY_CAP).map((c) => c.id);
    const counts = async (relation: string, plural: string): Promise<Map<string, number>> => {
      const ids = capped(relation);
      if (ids.length === 0) return new Map();
      const groups = (await rest.get(`${plural}/groupBy`, {
        group_by: '[{"companyId":true}]',
        aggregate: '["totalCount"]',
        filter: `companyId[in]:[${ids.join(',')}]`,
      })) as Json[];
      return new Map(groups.map((g) => [g.groupByDimensionValues[0], Number(g.totalCount)]));
    };
    const [people, deals] = await Promise.all([counts('people', 'people'), counts('opportunities', 'opportunities')]);
    return companies.map((c) =>
      canonical.tableRow(c.id, c.accountOwner?.id, people.get(c.id) ?? c.people.length, deals.get(c.id) ?? c.opportunities.length),
    );
  },

  async b(rest, vars) {
    const id = vars.companyId!;
    const related = (plural: string, field: string) => rest.list(plural, { filter: `${field}[eq]:${id}`, depth: 1 }).then((r) => r.records);
    const [company, deals, noteTargets, taskTargets] = await Promise.all([
      rest.one('companies', 'company', id, { depth: 1 }),
      related('opportunities', 'companyId'),
      related('noteTargets', 'targetCompanyId'),
      related('taskTargets', 'targetCompanyId'),
    ]);
    const people = await whole(rest, company, 'people', 'people', 'companyId');
    return canonical.companyPage(
      company.id,
      people,
      deals.map((o) => ({ id: o.id, contactId: o.pointOfContact?.id })),
      noteTargets.map((t) => t.note?.id).filter(Boolean),
      taskTargets.map((t) => t.task?.id).filter(Boolean),
    );
  },

  async c(rest) {
    const columns = await Promise.all(
      STAGES.map(async (stage) => {
        const body = await rest.get('opportunities', { filter: `stage[eq]:${stage}`, order_by: 'position', limit: 20, depth: 1 });
        const deals = (body.data.opportunities as Json[]).map((o) => ({ id: o.id, companyId: o.company?.id, contactId: o.pointOfContact?.id }));
        return [stage, canonical.boardColumn(body.totalCount, deals)] as const;
      }),
    );
    return Object.fromEntries(columns);
  },

  async d(rest, vars) {
    const body = await rest.get('people', { filter: searchFilter(vars.text!), order_by: 'name.lastName', limit: 10, depth: 1 });
    return { total: body.totalCount, people: (body.data.people as Json[]).map((p) => canonical.searchHit(p.id, p.company?.id)) };
  },

  async e(rest) {
    const companies = (await rest.get('companies', { limit: 60, depth: 1 })).data.companies as Json[];
    const rows = await Promise.all(
      companies.map(async (c) => {
        // In parallel: when both arrays are capped, their full reads are one round trip, not two.
        const [people, deals] = await Promise.all([
          whole(rest, c, 'people', 'people', 'companyId'),
          whole(rest, c, 'opportunities', 'opportunities', 'companyId'),
        ]);
        return { company: c, people, deals };
      }),
    );
    const known = new Set(rows.flatMap((r) => r.people.map((p: Json) => p.id)));
    const missing = [...new Set(rows.flatMap((r) => r.deals.map((o: Json) => o.pointOfContactId)).filter((id) => id && !known.has(id)))];
    const found = new Set(known);
    for (let i = 0; i < missing.length; i += 200) {
      const chunk = missing.slice(i, i + 200);
      for (const p of (await rest.list('people', { filter: `id[in]:[${chunk.join(',')}]` })).records) found.add(p.id);
    }
    return rows.map((r) =>
      canonical.nestedRow(
        r.company.id,
        r.company.accountOwner?.id,
        r.people.map((p: Json) => p.id),
        r.deals.map((o: Json) => ({ id: o.id, contactId: o.pointOfContactId && found.has(o.pointOfContactId) ? o.pointOfContactId : null })),
      ),
    );
  },
};
