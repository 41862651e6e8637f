/**
 * What differs per workspace: select options (labels, colors, even values) read from
 * `/rest/metadata/objects`, custom fields on records, and the target field names of older
 * servers. A small proxy in front of the emulator plays a workspace that customised its data
 * model; the BFF reaches it over real HTTP like any Twenty.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createApp, listen, type RunningServer } from '../../src/app.js';
import { startStack, type Stack } from '../support/stack.js';
import { callsDuring, gql, nodes, restAll, type Rec } from './helpers.js';

/** Rewrites JSON answers of the emulator: custom fields on records, renamed stage labels. */
function customisingProxy(target: string, seen: string[]): Promise<Server> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          if ((answer.headers['content-type'] ?? '').includes('json') && body) body = JSON.stringify(customise(JSON.parse(body)));
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 500, headers);
          res.end(body);
        });
      },
    );
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Every company gains `tagline` and `tier` (custom fields); stage MEETING is labelled "Call booked". */
function customise(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => customise(v, key));
  if (value === null || typeof value !== 'object') return value;
  const record = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, customise(v, k)])) as Rec;
  if ((key === 'companies' || key === 'company') && typeof record.id === 'string' && 'domainName' in record) {
    record.tagline = `Tagline of ${record.name}`;
    record.tier = { level: 2, since: '2024' };
  }
  if (record.value === 'MEETING' && typeof record.label === 'string') {
    record.label = 'Call booked';
    record.color = 'orange';
  }
  return record;
}

describe('a workspace that customised its data model', () => {
  let stack: Stack;
  let proxy: Server;
  let bff: RunningServer;
  const seen: string[] = [];

  const query = async (q: string, key = stack.emulator.keys.acme) => {
    const response = await fetch(`${bff.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: q }),
    });
    const body = (await response.json()) as Rec;
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as Rec;
  };

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 20 } });
    proxy = await customisingProxy(stack.emulator.url, seen);
    const config = {
      ...parseConfig({}),
      twentyApiUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      twentyApiKey: undefined,
      graphiql: false,
    };
    bff = await listen(createApp(config), 0, '127.0.0.1');
  });

  afterAll(async () => {
    await bff?.close();
    proxy?.closeAllConnections();
    await new Promise((resolve) => proxy?.close(resolve));
    await stack?.close();
  });

  it('passes fields the schema does not know through customFields, by their Twenty names', async () => {
    const data = await query('{ companies(first: 5) { edges { node { name customFields } } } people(first: 3) { edges { node { customFields } } } }');
    for (const company of nodes(data.companies)) {
      expect(company.customFields).toEqual({ tagline: `Tagline of ${company.name}`, tier: { level: 2, since: '2024' } });
    }
    for (const person of nodes(data.people)) expect(person.customFields).toEqual({});
  });

  it("labels stages with the workspace's own options", async () => {
    const data = await query('{ opportunities(first: 200, filter: { stage: { in: ["MEETING", "NEW"] } }) { edges { node { stage stageInfo { value label color position } } } } }');
    const infos = nodes(data.opportunities);
    expect(infos.some((o) => o.stage === 'MEETING')).toBe(true);
    for (const { stage, stageInfo } of infos) {
      if (stage === 'MEETING') expect(stageInfo).toEqual({ value: 'MEETING', label: 'Call booked', color: 'orange', position: 2 });
      else expect(stageInfo).toMatchObject({ value: 'NEW', label: 'New' });
    }
  });

  it('reads the metadata once per token within its TTL, and separately for another token', async () => {
    const q = '{ opportunities(first: 10) { edges { node { stageInfo { label } } } } tasks(first: 10) { edges { node { statusInfo { label } } } } }';
    const metadataCalls = () => seen.filter((line) => line.includes('/rest/metadata/')).length;
    const before = metadataCalls();
    await query(q);
    await query(q);
    await Promise.all([query(q), query(q)]);
    // The acme token's metadata was cached by the tests above.
    expect(metadataCalls() - before).toBe(0);
    await Promise.all([query(q, stack.emulator.keys.globex), query(q, stack.emulator.keys.globex)]);
    expect(metadataCalls() - before).toBe(1);
  });
});

describe('an older server with the pre-1.17 target field names', () => {
  let stack: Stack;
  const all: Record<string, Rec[]> = {};

  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 20, legacy: true } });
    // The same demo key was used on another server above: the cache key holds the upstream URL too.
    for (const plural of ['noteTargets', 'taskTargets']) all[plural] = await restAll(stack, plural);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('reaches notes and tasks of companies, people and opportunities through companyId, personId and opportunityId', async () => {
    expect(all.noteTargets[0]).toHaveProperty('companyId');
    expect(all.noteTargets[0]).not.toHaveProperty('targetCompanyId');
    const data = await gql(
      stack,
      `{ companies(first: 100) { edges { node { id notes { edges { node { id } } } tasks { edges { node { id } } } } } }
         people(first: 200) { edges { node { id notes { edges { node { id } } } } } }
         opportunities(first: 200) { edges { node { id tasks { edges { node { id } } } } } } }`,
    );
    const linked = (kind: 'note' | 'task', field: string, id: string) =>
      [...new Set(all[`${kind}Targets`].filter((t) => t[field] === id).map((t) => t[`${kind}Id`]))].sort();
    let total = 0;
    for (const c of nodes(data.companies)) {
      expect(nodes(c.notes).map((n) => n.id)).toEqual(linked('note', 'companyId', c.id));
      expect(nodes(c.tasks).map((n) => n.id)).toEqual(linked('task', 'companyId', c.id));
      total += c.notes.edges.length;
    }
    for (const p of nodes(data.people)) expect(nodes(p.notes).map((n) => n.id)).toEqual(linked('note', 'personId', p.id));
    for (const o of nodes(data.opportunities)) expect(nodes(o.tasks).map((n) => n.id)).toEqual(linked('task', 'opportunityId', o.id));
    expect(total).toBeGreaterThan(0);
  });

  it("reads each target's record under the old names", async () => {
    const data = await gql(stack, '{ notes(first: 100) { edges { node { id targets { companyId personId opportunityId company { id } person { id } } } } } }');
    for (const note of nodes(data.notes)) {
      const expected = all.noteTargets
        .filter((t) => t.noteId === note.id)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((t) => ({
          companyId: t.companyId ?? null,
          personId: t.personId ?? null,
          opportunityId: t.opportunityId ?? null,
          company: t.companyId ? { id: t.companyId } : null,
          person: t.personId ? { id: t.personId } : null,
        }));
      expect(note.targets).toEqual(expected);
    }
  });

  it('filters targets by companyId in one batched call', async () => {
    const calls = await callsDuring(stack, () => gql(stack, '{ companies(first: 20) { edges { node { notes { totalCount } } } } }'));
    const targetCalls = calls.filter((c) => c.object === 'noteTargets');
    expect(targetCalls).toHaveLength(1);
    expect(String(targetCalls[0].query.filter)).toMatch(/^companyId\[in\]:\[/);
  });
});
