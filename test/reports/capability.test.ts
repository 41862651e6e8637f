// groupBy as a server capability (§7), learned from what the route answers and never from
// message text; and answers that may be cut off (at most 200 groups, no cursor) split until none is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/errors.js';
import type { TwentyTransport } from '../../src/twenty/client.js';
import type { GroupByParams } from '../../src/twenty/types.js';
import { recordingTransport, startScriptedServer, thrown, type Script, type ScriptedRequest } from '../twenty/helpers.js';
import { startStack, type Stack } from '../support/stack.js';
import type { Rec } from '../emulator/helpers.js';
import { bucket, everyRecord, FORECAST_FIELDS, GROUP_FIELDS, live, PIPELINE_FIELDS, pipelineAnswer, refForecast, refGroups, type StageSetup } from './reference.js';

const params: GroupByParams = { groupBy: [{ stage: true }], aggregate: ['totalCount'], filter: 'stage[eq]:NEW' };
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ groupByDimensionValues: [`S${i}`], totalCount: 1 }));
const isGroupBy = (req: ScriptedRequest) => new URL(req.url, 'http://x').pathname.endsWith('/groupBy');
const queryOf = (req: ScriptedRequest) => new URL(req.url, 'http://x').searchParams;
const badRequest = { status: 400, body: { statusCode: 400, error: 'BadRequestException', messages: ['anything at all'] } };

describe('groupBy support, learned once per server', () => {
  let script: Script;
  let server: Awaited<ReturnType<typeof startScriptedServer>>;
  let transport: TwentyTransport;
  beforeAll(async () => {
    server = await startScriptedServer((req) => script(req));
  });
  afterAll(() => server?.close());
  const fresh = () => {
    server.requests.length = 0;
    transport = recordingTransport(server.url, { maxRetries: 0 }).transport;
    return transport.clientFor('key');
  };

  it('an older server: a 400 to the request and to the same request without filter means no route', async () => {
    script = () => badRequest;
    const client = fresh();
    expect(await client.groupBy('opportunities', params)).toEqual({ supported: false });
    expect(server.requests.map((r) => queryOf(r).get('filter'))).toEqual(['stage[eq]:NEW', null]);
    // Learned for the transport: no more calls, whatever the token.
    expect(await transport.clientFor('other').groupBy('opportunities', params)).toEqual({ supported: false });
    expect(server.requests).toHaveLength(2);
  });

  it('a filter the server refuses is the caller\'s error, and the route is known to exist', async () => {
    script = (req) => (queryOf(req).get('filter') ? badRequest : { status: 200, body: [] });
    const client = fresh();
    expect(await thrown(() => client.groupBy('opportunities', params))).toBeInstanceOf(BadUserInputError);
    expect(await thrown(() => client.groupBy('opportunities', params))).toBeInstanceOf(BadUserInputError);
    // The second 400 needed no probe: three requests, not four.
    expect(server.requests).toHaveLength(3);
  });

  it('a 404 on the route means no route', async () => {
    script = () => ({ status: 404, body: { statusCode: 404, message: 'Cannot GET /rest/opportunities/groupBy' } });
    expect(await fresh().groupBy('opportunities', params)).toEqual({ supported: false });
    expect(server.requests).toHaveLength(1);
  });

  it('an answer of 200 groups may be cut off; fewer may not', async () => {
    script = () => ({ status: 200, body: rows(200) });
    const client = fresh();
    expect(await client.groupBy('opportunities', params)).toMatchObject({ supported: true, complete: false });
    script = () => ({ status: 200, body: rows(199) });
    expect(await client.groupBy('opportunities', params)).toMatchObject({ supported: true, complete: true });
    expect(server.requests.map((r) => queryOf(r).get('limit'))).toEqual(['200', '200']);
  });

  it('a server that ignores `limit` (the first groupBy versions stop at 50) is found out by one request for one group', async () => {
    script = () => ({ status: 200, body: rows(50) });
    const client = fresh();
    expect(await client.groupBy('opportunities', params)).toMatchObject({ complete: false });
    expect(server.requests.map((r) => queryOf(r).get('limit'))).toEqual(['200', '1']);
    script = () => ({ status: 200, body: rows(49) });
    expect(await client.groupBy('opportunities', params)).toMatchObject({ complete: true });
    script = () => ({ status: 200, body: rows(50) });
    expect(await client.groupBy('opportunities', params)).toMatchObject({ complete: false });
    expect(server.requests).toHaveLength(4);
  });

  it('a server that honours `limit` answers the one-group request with one group, and 50 groups are then complete', async () => {
    script = (req) => ({ status: 200, body: rows(queryOf(req).get('limit') === '1' ? 1 : 50) });
    const client = fresh();
    expect(await client.groupBy('opportunities', params)).toMatchObject({ complete: true });
    expect(await client.groupBy('opportunities', params)).toMatchObject({ complete: true });
    expect(server.requests.map((r) => queryOf(r).get('limit'))).toEqual(['200', '1', '200']);
    expect(server.requests.every(isGroupBy)).toBe(true);
  });
});

describe('reports past 200 groups, on 200 companies', () => {
  const STANDARD: StageSetup = { stages: ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'], won: ['CUSTOMER'] };
  let stack: Stack;
  let deals: Rec[];
  beforeAll(async () => {
    stack = await startStack({ emulator: { companies: 200 }, config: { reportCacheTtlMs: 0 } });
    deals = live(await everyRecord(stack.emulator, 'opportunities'));
  });
  afterAll(() => stack?.close());

  async function run(query: string): Promise<{ data: Rec; groupBys: Rec[]; lists: Rec[] }> {
    stack.resetCalls();
    const { body } = await stack.query(query);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const log = stack.restCalls() as unknown as Rec[];
    return { data: body.data, groupBys: log.filter((c) => c.path.endsWith('/groupBy')), lists: log.filter((c) => c.path === '/rest/opportunities') };
  }

  it('splits the parents of a page of 200 companies until no answer is full', async () => {
    const { data, groupBys } = await run(`{ companies(first: 200) { edges { node { id pipeline { ${PIPELINE_FIELDS} } } } } }`);
    expect(groupBys.length).toBeGreaterThan(1);
    for (const { node } of data.companies.edges) expect(node.pipeline, node.id).toEqual(pipelineAnswer(deals.filter((d) => d.companyId === node.id), STANDARD));
    expect(data.companies.edges.reduce((n: number, e: Rec) => n + e.node.pipeline.count, 0)).toBe(deals.filter((d) => d.companyId).length);
  });

  it('splits a daily forecast by periods', async () => {
    const days = deals.filter((d) => d.closeDate).map((d) => d.closeDate.slice(0, 10)).sort();
    const [from, to] = [days[0], days[days.length - 1]];
    const { data, groupBys } = await run(`{ forecast(from: "${from}", to: "${to}", granularity: DAY) { ${FORECAST_FIELDS} } }`);
    expect(groupBys.length).toBeGreaterThan(2);
    expect(data.forecast).toEqual(refForecast(deals, STANDARD, from, to, 'DAY'));
  });

  it('reads the records of a part it cannot split, rather than truncate', async () => {
    const { data, groupBys, lists } = await run(`{ opportunityGroups(by: [CLOSE_DATE], dateGranularity: DAY) { ${GROUP_FIELDS} } }`);
    expect(groupBys).toHaveLength(1);
    expect(lists.length).toBeGreaterThan(0);
    const expected = refGroups(deals, (d) => [d.closeDate ? bucket(d.closeDate, 'DAY') : null], ['amount'], [], true);
    expect(expected.length).toBeGreaterThan(200);
    expect(data.opportunityGroups).toEqual(expected);
  });

  it('splits by SELECT options first when grouping by one', async () => {
    const { data, groupBys } = await run(`{ opportunityGroups(by: [STAGE, CLOSE_DATE], dateGranularity: WEEK) { ${GROUP_FIELDS} } }`);
    expect(groupBys.length).toBeGreaterThan(1);
    expect(groupBys.slice(1).every((c) => /stage\[in\]/.test(String(c.query.filter)))).toBe(true);
    expect(data.opportunityGroups).toEqual(refGroups(deals, (d) => [d.stage, d.closeDate ? bucket(d.closeDate, 'WEEK') : null], ['amount'], [], true));
  });
});
