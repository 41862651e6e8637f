import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

describe('emulator smoke test', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ dbFile: ':memory:', companies: 20 });
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('lists companies over real HTTP in the shape Twenty sends', async () => {
    const response = await fetch(`${emulator.url}/rest/companies?limit=5`, {
      headers: { Authorization: `Bearer ${emulator.keys.acme}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: { companies: Array<Record<string, unknown>> };
      totalCount: number;
      pageInfo: Record<string, unknown>;
    };
    expect(body.totalCount).toBe(20);
    expect(body.data.companies).toHaveLength(5);
    expect(body.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(typeof body.pageInfo.endCursor).toBe('string');
    const company = body.data.companies[0];
    expect(company).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: expect.any(String),
      domainName: { primaryLinkUrl: expect.stringMatching(/^https:\/\//) },
      annualRecurringRevenue: { amountMicros: expect.any(Number), currencyCode: 'USD' },
      createdBy: { source: expect.any(String) },
      deletedAt: null,
    });
    expect(company).not.toHaveProperty('people');
  });

  it('refuses a request without a token with 403 and counts it', async () => {
    emulator.reset();
    const response = await fetch(`${emulator.url}/rest/companies`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      statusCode: 403,
      error: 'FORBIDDEN_EXCEPTION',
      messages: ['Missing authentication token'],
    });
    expect(emulator.stats().requests).toMatchObject({ total: 1, byMethod: { GET: 1 }, byObject: { companies: 1 } });
  });
});
