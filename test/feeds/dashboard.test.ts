import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { feedConfig, startFeedStack, write } from './helpers.js';

const INTERVAL = 500;
const SLACK = 2_000;
const OUTPUT = new URL('../../test-results/', import.meta.url);

let stack: Stack;
let context: BrowserContext;
let profile: string;
const problems: string[] = [];

/** Debian's Chromium, headless, with a fresh profile and nothing talking to the network but the page. */
async function browser(): Promise<BrowserContext> {
  profile = mkdtempSync(join(tmpdir(), 'twenty-bff-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function open(url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  await page.goto(url);
  return page;
}

beforeAll(async () => {
  // As the embedded demo runs: requests without a key use the configured one.
  stack = await startFeedStack(INTERVAL, { config: { ...feedConfig(INTERVAL), twentyApiKey: 'demo-acme-key' } });
  context = await browser();
}, 60_000);
afterAll(async () => {
  await context?.close();
  await stack?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('GET /dashboard', () => {
  it('shows the pipeline by stage, and a deal created through REST appears within one interval', async () => {
    const page = await open(`${stack.server.url}/dashboard`);
    await page.waitForSelector('#status[data-state="live"]');
    await page.waitForSelector('.column');
    const total = (await stack.query('{ opportunities { totalCount } }')).body.data.opportunities.totalCount as number;
    const counts = await page.$$eval('.column .count', (nodes) => nodes.map((n) => Number(n.textContent)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(await page.locator('.bar-row').count()).toBe(counts.length);

    const name = `Dashboard deal ${Date.now()}`;
    const started = Date.now();
    await write.create(stack, 'opportunities', { name, stage: 'MEETING', amount: { amountMicros: 9_000_000_000_000, currencyCode: 'USD' } });
    await page.locator('.column[data-stage="MEETING"] .card', { hasText: name }).waitFor({ timeout: INTERVAL + SLACK });
    expect(Date.now() - started).toBeLessThan(INTERVAL + SLACK);
    const meeting = page.locator('.column[data-stage="MEETING"]');
    expect(await meeting.locator('.totals').textContent()).toContain('$');

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: new URL('dashboard.png', OUTPUT).pathname, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('asks for a key when the BFF has none of its own, and keeps it in session storage only', async () => {
    const real = await startFeedStack(INTERVAL, { config: { ...feedConfig(INTERVAL), twentyApiKey: undefined } });
    try {
      const page = await open(`${real.server.url}/dashboard`);
      await page.waitForSelector('#key-form:not([hidden])');
      await page.fill('#key', real.emulator.keys.acme);
      await page.click('#key-form button');
      await page.waitForSelector('#status[data-state="live"]');
      await page.waitForSelector('.column');
      expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([1, 0, '']);
      const headers = (await page.request.get(`${real.server.url}/dashboard`)).headers();
      expect(headers['content-security-policy']).toContain("script-src 'self'");
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await real.close();
    }
  }, 60_000);
});
