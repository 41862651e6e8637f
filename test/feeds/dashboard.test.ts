import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { rest } from '../emulator/helpers.js';
import { feedConfig, startFeedStack, write, type Rec } from './helpers.js';

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
    locale: 'en-US',
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
  it('shows every stage of the pipeline report, and a deal created through REST appears within one interval, its column’s count and total moving exactly', async () => {
    // An empty stage: every won deal moved on, through REST.
    const moved = await rest(stack.emulator, `/rest/opportunities?filter=${encodeURIComponent('stage[eq]:CUSTOMER')}`, { method: 'PATCH', body: { stage: 'PROPOSAL' } });
    expect(moved.status, moved.text).toBe(200);
    const page = await open(`${stack.server.url}/dashboard`);
    await page.waitForSelector('#status[data-state="live"]');
    await page.waitForSelector('.column');
    const report = (await stack.query('{ pipeline { count stages { stage count totals { amountMicros currencyCode } } } }')).body.data.pipeline;
    // Columns are the report's stages, in its order, empty ones too, with its counts.
    expect(await page.$$eval('.column', (nodes) => nodes.map((n) => (n as HTMLElement).dataset.stage))).toEqual(report.stages.map((s: Rec) => s.stage));
    const counts = await page.$$eval('.column .count', (nodes) => nodes.map((n) => Number(n.textContent)));
    expect(counts).toEqual(report.stages.map((s: Rec) => s.count));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(report.count);
    expect(await page.locator('.column[data-stage="CUSTOMER"] .count').textContent()).toBe('0');
    expect(await page.locator('.column[data-stage="CUSTOMER"] .totals').textContent()).toBe('—');
    expect(await page.locator('.bar-row').count()).toBe(counts.length);

    const meeting = page.locator('.column[data-stage="MEETING"]');
    const usdMicros = async () => BigInt((await meeting.locator('.total[data-currency="USD"]').getAttribute('data-micros')) ?? '0');
    const before = { count: Number(await meeting.locator('.count').textContent()), usd: await usdMicros() };
    // 2^53 - 1 micros: the column's total passes 2^53, where a float sum would be off.
    const amount = 2n ** 53n - 1n;
    const name = `Dashboard deal ${Date.now()}`;
    const started = Date.now();
    await write.create(stack, 'opportunities', { name, stage: 'MEETING', amount: { amountMicros: Number(amount), currencyCode: 'USD' } });
    await meeting.locator('.card', { hasText: name }).waitFor({ timeout: INTERVAL + SLACK });
    await page.waitForFunction((count) => document.querySelector('.column[data-stage="MEETING"] .count')?.textContent === String(count), before.count + 1, { timeout: INTERVAL + SLACK });
    expect(Date.now() - started).toBeLessThan(INTERVAL + SLACK);
    const after = await usdMicros();
    expect(after).toBe(before.usd + amount);
    expect(after > 2n ** 53n).toBe(true);
    const units = (after + 500_000n) / 1_000_000n;
    expect(await meeting.locator('.total[data-currency="USD"]').textContent()).toBe(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(units));
    expect(await page.locator('#summary').textContent()).toContain(`${report.count + 1} deals`);

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
