/**
 * GraphiQL as a user of the embedded demo meets it: in a real browser (Chromium), loaded with no
 * request leaving the BFF's origin, running a query with the default key through the CSRF and
 * credential checks a foreign page fails.
 */
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

describe('GraphiQL in a browser', () => {
  let stack: Stack;
  beforeAll(async () => {
    // As the embedded demo: GraphiQL on, a default key.
    stack = await startStack({ emulator: { companies: 3 }, config: { graphiql: true, twentyApiKey: 'demo-acme-key' } });
  });
  afterAll(() => stack?.close());

  it('loads from the BFF alone and runs a query with the default key', async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(`${stack.graphqlUrl}?query=${encodeURIComponent('{ companies(first: 1) { totalCount } }')}`);
      await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
      const answer = page.waitForResponse((response) => response.request().method() === 'POST' && (response.request().postData() ?? '').includes('companies'));
      await page.click('.graphiql-execute-button');
      const response = await answer;
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({ data: { companies: { totalCount: 3 } } });
      const origin = new URL(stack.graphqlUrl).origin;
      const elsewhere = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith(`blob:${origin}/`) && !url.startsWith('data:'));
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
