/**
 * Every system's answer to a screen reduced to one canonical form (ids and counts), so the
 * benchmark can say whether the systems it compares returned the same data. Lists a screen
 * orders (root lists, board columns, search results) keep their order; nested lists without
 * an order are sorted.
 */
import type { Json } from '../lib/rest.js';

export type Digest = unknown;

const sorted = (values: string[]) => [...values].sort();
const edges = (connection: Json): Json[] => (connection?.edges ?? []).map((e: Json) => e.node);
const deal = (id: string, contactId: string | null | undefined) => `${id}>${contactId ?? '-'}`;

export interface TableRow {
  id: string;
  owner: string | null;
  people: number;
  deals: number;
}
export interface CompanyPage {
  id: string;
  people: string[];
  deals: string[];
  notes: string[];
  tasks: string[];
}
export interface BoardColumn {
  count: number;
  deals: string[];
}
export interface NestedRow {
  id: string;
  owner: string | null;
  people: string[];
  deals: string[];
}

export const STAGES = ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'] as const;

/** Canonical forms built from plain REST records (naive resolvers and plans use these). */
export const canonical = {
  tableRow: (id: string, owner: string | null | undefined, people: number, deals: number): TableRow => ({ id, owner: owner ?? null, people, deals }),
  companyPage: (id: string, people: Json[], deals: Array<{ id: string; contactId?: string | null }>, notes: string[], tasks: string[]): CompanyPage => ({
    id,
    people: sorted(people.map((p) => p.id)),
    deals: sorted(deals.map((d) => deal(d.id, d.contactId))),
    notes: sorted(notes),
    tasks: sorted(tasks),
  }),
  boardColumn: (count: number, deals: Array<{ id: string; companyId?: string | null; contactId?: string | null }>): BoardColumn => ({
    count,
    deals: deals.map((d) => `${d.id}|${d.companyId ?? '-'}|${d.contactId ?? '-'}`),
  }),
  searchHit: (id: string, companyId: string | null | undefined) => `${id}|${companyId ?? '-'}`,
  nestedRow: (id: string, owner: string | null | undefined, people: string[], deals: Array<{ id: string; contactId?: string | null }>): NestedRow => ({
    id,
    owner: owner ?? null,
    people: sorted(people),
    deals: sorted(deals.map((d) => deal(d.id, d.contactId))),
  }),
};

/** From the BFF's answers (bench/screens/*.graphql). */
export const fromBff: Record<string, (data: Json) => Digest> = {
  a: (data) => edges(data.companies).map((c) => canonical.tableRow(c.id, c.accountOwner?.id, c.people.totalCount, c.opportunities.totalCount)),
  b: (data) => {
    const c = data.company;
    return canonical.companyPage(
      c.id,
      edges(c.people),
      edges(c.opportunities).map((o) => ({ id: o.id, contactId: o.pointOfContact?.id })),
      edges(c.notes).map((n) => n.id),
      edges(c.tasks).map((t) => t.id),
    );
  },
  c: (data) =>
    Object.fromEntries(
      STAGES.map((stage) => {
        const column = data[stage.toLowerCase()];
        return [stage, canonical.boardColumn(column.totalCount, edges(column).map((o) => ({ id: o.id, companyId: o.company?.id, contactId: o.pointOfContact?.id })))];
      }),
    ),
  d: (data) => ({ total: data.people.totalCount, people: edges(data.people).map((p) => canonical.searchHit(p.id, p.company?.id)) }),
  e: (data) =>
    edges(data.companies).map((c) =>
      canonical.nestedRow(
        c.id,
        c.accountOwner?.id,
        edges(c.people).map((p) => p.id),
        edges(c.opportunities).map((o) => ({ id: o.id, contactId: o.pointOfContact?.id })),
      ),
    ),
};

/** From GraphQL Mesh's answers (bench/mesh/screens/*.graphql). */
export const fromMesh: Record<string, (data: Json) => Digest> = {
  a: (data) =>
    data.findManyCompanies.data.companies.map((c: Json) => canonical.tableRow(c.id, c.accountOwner?.id, c.peopleList.totalCount, c.opportunitiesList.totalCount)),
  b: (data) => {
    const c = data.findOneCompany.data.company;
    return canonical.companyPage(
      c.id,
      c.peopleList.data.people,
      c.opportunitiesList.data.opportunities.map((o: Json) => ({ id: o.id, contactId: o.pointOfContact?.id })),
      c.noteTargetsList.data.noteTargets.map((t: Json) => t.note?.id).filter(Boolean),
      c.taskTargetsList.data.taskTargets.map((t: Json) => t.task?.id).filter(Boolean),
    );
  },
  c: (data) =>
    Object.fromEntries(
      STAGES.map((stage) => {
        const column = data[stage.toLowerCase()];
        return [
          stage,
          canonical.boardColumn(
            column.totalCount,
            column.data.opportunities.map((o: Json) => ({ id: o.id, companyId: o.company?.id, contactId: o.pointOfContact?.id })),
          ),
        ];
      }),
    ),
  d: (data) => ({ total: data.findManyPeople.totalCount, people: data.findManyPeople.data.people.map((p: Json) => canonical.searchHit(p.id, p.company?.id)) }),
  e: (data) =>
    data.findManyCompanies.data.companies.map((c: Json) =>
      canonical.nestedRow(
        c.id,
        c.accountOwner?.id,
        c.peopleList.data.people.map((p: Json) => p.id),
        c.opportunitiesList.data.opportunities.map((o: Json) => ({ id: o.id, contactId: o.pointOfContact?.id })),
      ),
    ),
};
