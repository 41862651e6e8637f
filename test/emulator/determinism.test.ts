// Determinism (issue 2): the demo data is seeded, so the same seed gives the same data.
import { describe, expect, it } from 'vitest';
import { list, startTestEmulator, type Rec } from './helpers.js';

const stable = (r: Rec) => ({ id: r.id, name: r.name, emails: r.emails, companyId: r.companyId, jobTitle: r.jobTitle });

describe('determinism', () => {
  it('two emulators with the same seed give the same first page', async () => {
    const [a, b] = await Promise.all([startTestEmulator({ companies: 15, seed: 7 }), startTestEmulator({ companies: 15, seed: 7 })]);
    try {
      for (const plural of ['companies', 'people', 'opportunities']) {
        const pa = await list(a, plural);
        const pb = await list(b, plural);
        expect(pa.records.length).toBeGreaterThan(0);
        expect(pa.records.map(stable), plural).toEqual(pb.records.map(stable));
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a different seed gives different data', async () => {
    const [a, b] = await Promise.all([startTestEmulator({ companies: 15, seed: 7 }), startTestEmulator({ companies: 15, seed: 8 })]);
    try {
      const pa = await list(a, 'companies');
      const pb = await list(b, 'companies');
      expect(pa.records.map((r) => r.id)).not.toEqual(pb.records.map((r) => r.id));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
