import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { startStack, type Stack } from './support/stack.js';
import { rawSse, waitFor, write } from './feeds/helpers.js';

/**
 * A subscription example's first event, over SSE: a deal in a late stage (what the README's
 * example filters on) is created through REST once the subscription is open.
 */
async function firstEvent(stack: Stack, source: string): Promise<{ status: number; body: { data?: unknown; errors?: unknown } }> {
  const sse = await rawSse(stack, source);
  try {
    await write.create(stack, 'opportunities', { name: 'README live deal', stage: 'PROPOSAL' });
    return { status: sse.status, body: await waitFor(() => sse.events[0], 10_000, 'the first event') };
  } finally {
    sse.close();
  }
}

/** Every ```graphql block of the README, in order, with its operation name. */
function readmeOperations(): Array<{ name: string; source: string }> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  return [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => {
    const source = match[1];
    const name = /^(?:query|mutation|subscription)\s+(\w+)/m.exec(source)?.[1] ?? 'anonymous';
    return { name, source };
  });
}

/** True when some list in the result holds at least one item: the example showed real data. */
function hasRecords(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') {
    const entries = Object.values(value);
    if (!Object.keys(value).includes('edges') && entries.every((v) => v === null || typeof v !== 'object')) {
      return entries.some((v) => v !== null);
    }
    return entries.some(hasRecords);
  }
  return false;
}

describe('the README examples', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The default demo size, as `npm start` serves it; feeds poll often so subscriptions answer fast.
    stack = await startStack({ emulator: { companies: 200 }, config: { feeds: { ...parseConfig({}).feeds, pollIntervalMs: 200 } } });
  });
  afterAll(() => stack?.close());

  const operations = readmeOperations();
  it('has examples to run', () => {
    expect(operations.length).toBeGreaterThanOrEqual(5);
  });

  it.each(operations.map((op) => [op.name, op.source]))('runs %s without errors and with data', async (_name, source) => {
    const { status, body } = source.startsWith('subscription') ? await firstEvent(stack, source) : await stack.query(source);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(hasRecords(body.data)).toBe(true);
  });
});
