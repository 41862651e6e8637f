/**
 * Naive resolvers: what hand-written GraphQL resolvers without batching do for each screen. Every
 * relation is one REST call per parent (a to-one by id, a to-many filtered by the parent's id), and
 * a level starts when its parent's field has resolved, as graphql-js runs resolvers. They run in
 * the harness, so their times have no GraphQL server in them.
 */
import type { Json, RestClient } from '../lib/rest.js';
import { canonical, STAGES, type Digest } from './digest.js';
import { searchFilter, type ScreenVars } from './vars.js';

const owner = (rest: RestClient, id: string | null) => (id ? rest.one('workspaceMembers', 'workspaceMember', id) : null);
const children = (rest: RestClient, plural: string, field: string, id: string) => rest.get(plural, { filter: `${field}[eq]:${id}`, limit: 200 });
/** The first 60 companies, each made into a row by `row`, all at once. */
const eachCompany = async <T>(rest: RestClient, row: (company: Json) => Promise<T>) =>
  Promise.all(((await rest.get('companies', { limit: 60 })).data.companies as Json[]).map(row));
/** A company's deals, each with its point of contact read by id. */
const dealsWithContacts = (rest: RestClient, companyId: string) =>
  children(rest, 'opportunities', 'companyId', companyId).then((body) =>
    Promise.all(
      (body.data.opportunities as Json[]).map(async (o) => ({
        id: o.id,
        contactId: o.pointOfContactId ? (await rest.one('people', 'person', o.pointOfContactId))?.id : null,
      })),
    ),
  );

export const naive: Record<string, (rest: RestClient, vars: ScreenVars) => Promise<Digest>> = {
  a: (rest) =>
    eachCompany(rest, async (c) => {
      const [member, people, deals] = await Promise.all([
        owner(rest, c.accountOwnerId),
        children(rest, 'people', 'companyId', c.id),
        children(rest, 'opportunities', 'companyId', c.id),
      ]);
      return canonical.tableRow(c.id, member?.id, people.totalCount, deals.totalCount);
    }),

  async b(rest, vars) {
    const company = await rest.one('companies', 'company', vars.companyId!);
    const [people, deals, notes, tasks] = await Promise.all([
      children(rest, 'people', 'companyId', company.id).then((body) => body.data.people as Json[]),
      dealsWithContacts(rest, company.id),
      children(rest, 'noteTargets', 'targetCompanyId', company.id).then((body) =>
        Promise.all((body.data.noteTargets as Json[]).map(async (t) => (await rest.one('notes', 'note', t.noteId))?.id)),
      ),
      children(rest, 'taskTargets', 'targetCompanyId', company.id).then((body) =>
        Promise.all((body.data.taskTargets as Json[]).map(async (t) => (await rest.one('tasks', 'task', t.taskId))?.id)),
      ),
    ]);
    return canonical.companyPage(company.id, people, deals, notes.filter(Boolean), tasks.filter(Boolean));
  },

  async c(rest) {
    const columns = await Promise.all(
      STAGES.map(async (stage) => {
        const body = await rest.get('opportunities', { filter: `stage[eq]:${stage}`, order_by: 'position', limit: 20 });
        const deals = await Promise.all(
          (body.data.opportunities as Json[]).map(async (o) => {
            const [company, contact] = await Promise.all([
              o.companyId ? rest.one('companies', 'company', o.companyId) : null,
              o.pointOfContactId ? rest.one('people', 'person', o.pointOfContactId) : null,
            ]);
            return { id: o.id, companyId: company?.id, contactId: contact?.id };
          }),
        );
        return [stage, canonical.boardColumn(body.totalCount, deals)] as const;
      }),
    );
    return Object.fromEntries(columns);
  },

  async d(rest, vars) {
    const body = await rest.get('people', { filter: searchFilter(vars.text!), order_by: 'name.lastName', limit: 10 });
    const hits = await Promise.all(
      (body.data.people as Json[]).map(async (p) => canonical.searchHit(p.id, p.companyId ? (await rest.one('companies', 'company', p.companyId))?.id : null)),
    );
    return { total: body.totalCount, people: hits };
  },

  e: (rest) =>
    eachCompany(rest, async (c) => {
      const [member, people, deals] = await Promise.all([
        owner(rest, c.accountOwnerId),
        children(rest, 'people', 'companyId', c.id).then((body) => body.data.people as Json[]),
        dealsWithContacts(rest, c.id),
      ]);
      return canonical.nestedRow(c.id, member?.id, people.map((p) => p.id), deals);
    }),
};
