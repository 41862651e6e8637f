/**
 * Emulators for the benchmark's data sets. Seeding 10,000 companies takes about 20 s, so each
 * size is kept in .data/bench/ (git-ignored) and reused by later runs; the benchmark only reads it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { REPO_ROOT } from './processes.js';
import { restClient } from './rest.js';
import { SEARCH_TEXTS, type ScreenData } from '../screens/vars.js';

export async function datasetEmulator(companies: number, options: EmulatorOptions = {}): Promise<Emulator> {
  const dir = path.join(REPO_ROOT, '.data', 'bench');
  mkdirSync(dir, { recursive: true });
  return startEmulator({ dbFile: path.join(dir, `companies-${companies}.sqlite`), companies, rateLimit: false, ...options });
}

/** 50 different companies spread over the first 200, and the search texts. */
export async function screenData(emulator: Emulator): Promise<ScreenData> {
  const rest = restClient(emulator.url, emulator.keys.acme);
  const companies = (await rest.get('companies', { limit: 200 })).data.companies as Array<{ id: string }>;
  const companyIds = companies.filter((_, i) => i % 4 === 0).slice(0, 50).map((c) => c.id);
  if (companyIds.length < 50) throw new Error(`the data set has ${companyIds.length * 4} companies; the benchmark needs 200`);
  return { companyIds, spareCompanyId: companies[1].id, searchTexts: SEARCH_TEXTS };
}
