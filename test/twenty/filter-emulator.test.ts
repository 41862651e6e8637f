/**
 * Filter safety over real HTTP: companies with hostile names go into the emulator through
 * `POST /rest/batch/companies`; every filter built from hostile values, sent through the client
 * and narrowed by its residual, returns exactly the records a plain predicate selects.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { BadUserInputError } from '../../src/errors.js';
import type { TwentyTransport } from '../../src/twenty/client.js';
import { buildFilter, type FilterFields, type FilterInput } from '../../src/twenty/filter.js';
import { listAll } from '../../src/twenty/paging.js';
import type { TwentyClient, TwentyRecord } from '../../src/twenty/types.js';
import { recordingTransport, startTestEmulator } from './helpers.js';
import { expected } from './reference-filter.js';

const fields: FilterFields = { id: 'id', name: 'string', employees: 'number', address: { addressCity: 'string' } };

const HOSTILE = [
  'Acme', 'acme', 'ACME', 'Acme (EU)', 'Acme (EU', 'Acme )(', "O'Brien", "o'brien", "L'Oréal", "it's Bob's", 'say "hi"', `"'`, '"',
  "'", 'a,b', 'a, b', 'x]:y', '[x]', ']x[', 'x[eq]:y', 'name[eq]:"Acme"', 'and(name[eq]:1)', ')or(', '50%', '50% off', 'a_b', 'axb',
  'back\\slash', 'back\\\\slash', '\\', 'line\nbreak', 'line break', 'tab\there', 'NULL', 'null', 'NOT_NULL', ' padded ', 'padded',
  'ünïcödé', 'ÜNÏCÖDÉ', '😀 emoji', 'x', '%', '_',
];

let emulator: Emulator;
let transport: TwentyTransport;
let client: TwentyClient;
let all: TwentyRecord[];

beforeAll(async () => {
  emulator = await startTestEmulator();
  transport = recordingTransport(emulator.url).transport;
  client = transport.clientFor(emulator.keys.acme);
  const rows = HOSTILE.map((name, i) => ({ name, employees: i % 5, address: { addressCity: HOSTILE[(i * 7) % HOSTILE.length] } }));
  await client.createMany('companies', rows);
  await client.createMany('companies', [{ name: '' }, { employees: 3 }]);
  all = await listAll(client, 'companies', {});
});
afterAll(async () => {
  await transport.close();
  await emulator.close();
});

async function check(input: FilterInput): Promise<void> {
  let built;
  try {
    built = buildFilter(input, fields);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return;
  }
  const got = await listAll(client, 'companies', built.filter === undefined ? {} : { filter: built.filter }, built.residual);
  const want = all.filter((r) => expected(input, r) === true);
  expect(got.map((r) => r.id).sort(), JSON.stringify({ input, filter: built.filter })).toEqual(want.map((r) => r.id).sort());
}

describe('hostile values through the emulator', () => {
  it('stored every hostile name as given', () => {
    expect(all.map((r) => r.name)).toEqual(expect.arrayContaining(HOSTILE));
  });

  for (const op of ['eq', 'neq', 'gt', 'lte', 'contains', 'startsWith', 'endsWith'] as const) {
    it(`selects exactly with ${op} for every hostile value`, async () => {
      for (const value of HOSTILE) await check({ name: { [op]: value } });
    });
  }

  it('selects exactly with in lists of hostile values, commas and brackets included', async () => {
    for (let i = 0; i < HOSTILE.length; i += 3) await check({ name: { in: HOSTILE.slice(i, i + 4) } });
  });

  it('selects exactly under not, or and on composite sub-fields', async () => {
    for (const value of HOSTILE) {
      await check({ not: { name: { eq: value } } });
      await check({ or: [{ name: { contains: value } }, { address: { addressCity: { eq: value } } }] });
      await check({ not: { or: [{ name: { neq: value } }, { employees: { gt: 2 } }] } });
    }
  });

  it('selects exactly with isNull and empty strings', async () => {
    await check({ name: { isNull: true } });
    await check({ name: { isNull: false } });
    await check({ name: { eq: '' } });
    await check({ not: { name: { neq: '' } } });
  });

  it('selects exactly for random nested filters over hostile values', async () => {
    const value = fc.constantFrom(...HOSTILE, '');
    const ops = fc.oneof(
      fc.record({ eq: value }), fc.record({ neq: value }), fc.record({ contains: value }), fc.record({ endsWith: value }),
      fc.record({ in: fc.array(value, { maxLength: 3 }) }), fc.record({ gte: value }), fc.record({ isNull: fc.boolean() }),
    );
    const { filter } = fc.letrec<{ filter: FilterInput }>((tie) => ({
      filter: fc.oneof(
        { depthSize: 'small' },
        ops.map((o) => ({ name: o })),
        ops.map((o) => ({ address: { addressCity: o } })),
        fc.array(tie('filter'), { maxLength: 3 }).map((and) => ({ and })),
        fc.array(tie('filter'), { maxLength: 3 }).map((or) => ({ or })),
        tie('filter').map((not) => ({ not })),
      ),
    }));
    await fc.assert(fc.asyncProperty(filter, check), { numRuns: 150 });
  });
});
