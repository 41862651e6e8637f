/**
 * The five screens of a CRM app that `npm run bench` measures, each as the GraphQL query a
 * frontend sends to the BFF (bench/screens/*.graphql) and to GraphQL Mesh
 * (bench/mesh/screens/*.graphql), with the naive resolvers and the minimal REST plan for the same
 * data, and how to reduce every answer to one comparable digest.
 */
import { readFileSync } from 'node:fs';
import type { RestClient } from '../lib/rest.js';
import { fromBff, fromMesh, type Digest } from './digest.js';
import { naive } from './naive.js';
import { plan, planNotes } from './plan.js';
import { searchFilter, type ScreenVars } from './vars.js';

export interface Screen {
  id: string;
  title: string;
  bff: { query: string; variables(vars: ScreenVars): Record<string, unknown> | undefined; digest(data: any): Digest };
  mesh: { query: string; variables(vars: ScreenVars): Record<string, unknown> | undefined; digest(data: any): Digest };
  naive(rest: RestClient, vars: ScreenVars): Promise<Digest>;
  plan(rest: RestClient, vars: ScreenVars): Promise<Digest>;
  planNote: string;
}

const file = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
const none = () => undefined;

function screen(id: string, slug: string, title: string, bffVariables: Screen['bff']['variables'], meshVariables: Screen['mesh']['variables']): Screen {
  return {
    id,
    title,
    bff: { query: file(`./${id}-${slug}.graphql`), variables: bffVariables, digest: fromBff[id] },
    mesh: { query: file(`../mesh/screens/${id}-${slug}.graphql`), variables: meshVariables, digest: fromMesh[id] },
    naive: naive[id],
    plan: plan[id],
    planNote: planNotes[id],
  };
}

export const SCREENS: Screen[] = [
  screen('a', 'companies-table', 'companies table', none, none),
  screen('b', 'company-page', 'company page', (v) => ({ id: v.companyId }), (v) => ({ id: v.companyId })),
  screen('c', 'opportunities-board', 'opportunities board', none, none),
  screen('d', 'person-search', 'person search', (v) => ({ text: v.text }), (v) => ({ filter: searchFilter(v.text!) })),
  screen('e', 'companies-nested', 'companies, people, deals, contacts', none, none),
];
