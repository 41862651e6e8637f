// Storage (issue 2): a database file keeps its data across restarts and is seeded only once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createOne, list, rest, startTestEmulator } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'twenty-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('storage', () => {
  it('keeps data in a database file across restarts, without seeding it twice', async () => {
    const dbFile = join(dir, 'nested', 'emulator.sqlite');
    const first = await startTestEmulator({ dbFile, companies: 4 });
    let id: string;
    let count: number;
    try {
      id = (await createOne(first, 'companies', { name: 'Survives Restart' })).id;
      count = (await list(first, 'companies', { limit: 0 })).totalCount;
      expect(count).toBe(5);
    } finally {
      await first.close();
    }
    const second = await startTestEmulator({ dbFile, companies: 4 });
    try {
      const res = await rest(second, `/rest/companies/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.data.company.name).toBe('Survives Restart');
      expect((await list(second, 'companies', { limit: 0 })).totalCount).toBe(count);
    } finally {
      await second.close();
    }
  });

  it('warns, naming the file and how to reseed, when a kept file was seeded with another seed or size', async () => {
    const dbFile = join(dir, 'mismatch.sqlite');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await (await startTestEmulator({ dbFile, companies: 3, seed: 1 })).close();
      await (await startTestEmulator({ dbFile, companies: 3, seed: 1 })).close();
      expect(warn).not.toHaveBeenCalled();
      const again = await startTestEmulator({ dbFile, companies: 6, seed: 2 });
      try {
        // The data is the user's: kept as it was, not reseeded.
        expect((await list(again, 'companies', { limit: 0 })).totalCount).toBe(3);
      } finally {
        await again.close();
      }
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0][0]);
      expect(line).not.toContain('\n');
      expect(line).toContain(dbFile);
      expect(line).toMatch(/--seed 1 --companies 3/);
      expect(line).toMatch(/Delete .* to reseed/);
    } finally {
      warn.mockRestore();
    }
  });

  it('starts each :memory: emulator from fresh demo data', async () => {
    const a = await startTestEmulator({ companies: 3 });
    try {
      await createOne(a, 'companies', { name: 'Only In A' });
      expect((await list(a, 'companies', { limit: 0 })).totalCount).toBe(4);
    } finally {
      await a.close();
    }
    const b = await startTestEmulator({ companies: 3 });
    try {
      expect((await list(b, 'companies', { limit: 0 })).totalCount).toBe(3);
    } finally {
      await b.close();
    }
  });
});
