/**
 * twenty-bff in a federated graph: a real Hive Gateway composes it with a small invoices subgraph
 * served here from the README's example SDL (invoices reference companies by id and people by
 * email, and add `Company.invoices`), over HTTP on random ports. REST calls are counted in the
 * emulator's log.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll } from '../emulator/helpers.js';
import { callsDuring, pages, perObject, restAll, type Rec } from '../graphql/helpers.js';
import { startStack, type Stack } from '../support/stack.js';

/** A ```graphql <tag> block of the README: the example subgraph and query are the ones tested here. */
function readmeBlocks(tag: string): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  return [...readme.matchAll(new RegExp(`\`\`\`graphql ${tag}\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]);
}

const [INVOICES_SDL] = readmeBlocks('federation-subgraph');

interface Invoice {
  id: string;
  number: string;
  total: number;
  companyId: string;
  contactEmail: string;
}

/** The invoices subgraph; `seen` collects the Authorization headers it received. */
function invoicesSubgraph(invoices: Invoice[], seen: Array<string | null>) {
  const schema = buildSubgraphSchema({
    typeDefs: parse(INVOICES_SDL),
    resolvers: {
      Query: { invoices: () => invoices },
      Invoice: {
        customer: (invoice: Invoice) => ({ __typename: 'Company', id: invoice.companyId }),
        contact: (invoice: Invoice) => ({ __typename: 'Person', emails: { primaryEmail: invoice.contactEmail } }),
      },
      Company: {
        invoices: (company: { id: string }) => invoices.filter((invoice) => invoice.companyId === company.id),
      },
    },
  });
  return createYoga({
    schema,
    logging: false,
    context: ({ request }) => {
      seen.push(request.headers.get('authorization'));
      return {};
    },
  });
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}


describe('twenty-bff behind a federation gateway', () => {
  let stack: Stack;
  let invoicesServer: Server;
  let gateway: GatewayRuntime;
  let gatewayServer: Server;
  let gatewayUrl: string;
  const seenByInvoices: Array<string | null> = [];
  const all: Record<string, Rec[]> = {};
  let invoices: Invoice[];

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 120 }, config: { federation: true } });
    for (const plural of ['companies', 'people']) all[plural] = await restAll(stack, plural);
    // 100 invoices to 100 companies, each sent to one of the company's people (some emails
    // written in capitals, as another system may keep them), and one to a company Twenty lacks.
    invoices = all.companies.slice(0, 100).map((company, i) => {
      const contact = all.people.find((p) => p.companyId === company.id)!;
      const email = contact.emails.primaryEmail as string;
      return { id: `inv-${i}`, number: `INV-${1000 + i}`, total: 100 + i, companyId: company.id, contactEmail: i % 5 === 0 ? email.toUpperCase() : email };
    });
    invoices.push({ id: 'inv-x', number: 'INV-9999', total: 1, companyId: randomUUID(), contactEmail: 'nobody@nowhere.example' });

    const subgraph = await serve(invoicesSubgraph(invoices, seenByInvoices));
    invoicesServer = subgraph.server;
    const { data, errors } = (await stack.query('{ _service { sdl } }')).body;
    expect(errors).toBeUndefined();
    const composed = composeServices([
      { name: 'twenty', typeDefs: parse(data._service.sdl), url: stack.graphqlUrl },
      { name: 'invoices', typeDefs: parse(INVOICES_SDL), url: subgraph.url },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    gateway = createGatewayRuntime({
      supergraph: composed.supergraphSdl!,
      logging: false,
      // The caller's Twenty key goes to every subgraph (README, "Federation").
      propagateHeaders: {
        fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
      },
    });
    const served = await serve(gateway);
    gatewayServer = served.server;
    gatewayUrl = served.url;
  });

  afterAll(async () => {
    await gateway?.dispose();
    for (const server of [gatewayServer, invoicesServer]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await stack?.close();
  });

  async function throughGateway(query: string, key: string | null = stack.emulator.keys.acme) {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Rec; errors?: Rec[] };
  }

  it('joins 100 invoices to their companies and those companies\' people at the REST floor', async () => {
    let body: Awaited<ReturnType<typeof throughGateway>> = {};
    const calls = await callsDuring(stack, async () => {
      body = await throughGateway('{ invoices { number customer { id name people { edges { node { id name { displayName } } } } } } }');
    });
    // The last invoice's company is unknown to Twenty: `_entities` answers null for it; its
    // relations are nullable, so the gateway reports no error anywhere.
    expect(body.errors).toBeUndefined();
    const known = all.companies.slice(0, 100);
    const people = all.people.filter((p) => known.some((c) => c.id === p.companyId));
    expect(body.data!.invoices).toHaveLength(101);
    for (const [i, company] of known.entries()) {
      const customer = body.data!.invoices[i].customer;
      expect(customer.name).toBe(company.name);
      expect(customer.people.edges.map((e: Rec) => e.node.id).sort()).toEqual(
        people.filter((p) => p.companyId === company.id).map((p) => p.id).sort(),
      );
    }
    // The gateway keeps the reference it holds (its id) and nulls what twenty-bff could not resolve.
    expect(body.data!.invoices[100].customer).toMatchObject({ name: null, people: null });
    // What `companies(first: 100) { people }` costs: the 101 ids in one call, then one per 200 people.
    expect(people.length).toBeGreaterThan(200);
    expect(perObject(calls)).toEqual({ companies: 1, people: pages(people.length) });
  });

  it('resolves contacts referenced by email, in one call, and their companies from the same request', async () => {
    let body: Awaited<ReturnType<typeof throughGateway>> = {};
    const calls = await callsDuring(stack, async () => {
      body = await throughGateway('{ invoices { number contact { id emails { primaryEmail } company { name } } } }');
    });
    expect(body.errors?.map((e) => e.path)).toEqual([['invoices', 100, 'contact', 'id']]);
    for (const [i, invoice] of invoices.entries()) {
      const contact = body.data!.invoices[i].contact;
      if (i === 100) {
        expect(contact).toBeNull();
        continue;
      }
      const person = all.people.find((p) => p.emails.primaryEmail === invoice.contactEmail.toLowerCase())!;
      expect(contact.id).toBe(person.id);
      expect(contact.company.name).toBe(all.companies.find((c) => c.id === person.companyId)!.name);
    }
    expect(perObject(calls)).toEqual({ people: 1, companies: 1 });
  });

  it('runs the README example across both subgraphs', async () => {
    const examples = readmeBlocks('federation');
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const body = await throughGateway(example);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      expect(body.data!.invoices[0].customer.name).toBe(all.companies[0].name);
      expect(body.data!.invoices[0].contact.company.name).toBe(all.companies[0].name);
      expect(body.data!.invoices[100].customer.name).toBeNull();
    }
  });

  it("lets the other subgraph extend Company: a company's invoices with their contacts", async () => {
    const body = await throughGateway('{ companies(first: 3) { edges { node { id name invoices { number contact { name { displayName } } } } } } }');
    expect(body.errors).toBeUndefined();
    for (const { node } of body.data!.companies.edges) {
      const expected = invoices.filter((invoice) => invoice.companyId === node.id);
      expect(node.invoices.map((invoice: Rec) => invoice.number)).toEqual(expected.map((invoice) => invoice.number));
      expect(node.invoices.every((invoice: Rec) => typeof invoice.contact.name.displayName === 'string')).toBe(true);
    }
    expect(body.data!.companies.edges.flatMap((e: Rec) => e.node.invoices)).not.toHaveLength(0);
  });

  it("forwards the caller's Authorization header to every subgraph: another key sees only its own workspace", async () => {
    const globex = stack.emulator.keys.globex;
    seenByInvoices.length = 0;
    let body: Awaited<ReturnType<typeof throughGateway>> = {};
    const calls = await callsDuring(stack, async () => {
      body = await throughGateway('{ companies(first: 2) { edges { node { id name } } } invoices { customer { id name } } }', globex);
    });
    expect(body.errors).toBeUndefined();
    const globexCompanies = await fetchAll(stack.emulator, 'companies', {}, globex);
    expect(body.data!.companies.edges.map((e: Rec) => e.node.id)).toEqual(globexCompanies.slice(0, 2).map((c) => c.id));
    // acme's companies, referenced by the invoices, do not exist for globex's key.
    expect(body.data!.invoices.map((invoice: Rec) => invoice.customer.name)).toEqual(invoices.map(() => null));
    expect(new Set(calls.map((call) => call.workspace))).toEqual(new Set(['globex']));
    expect(seenByInvoices).toEqual([`Bearer ${globex}`]);
  });

  it('answers UNAUTHENTICATED through the gateway when the caller sends no key', async () => {
    const body = await throughGateway('{ companies(first: 1) { totalCount } }', null);
    expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('UNAUTHENTICATED');
  });
});
