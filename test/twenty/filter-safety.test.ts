/**
 * Filter safety as a property: for hostile strings in every operator, nested in and/or/not,
 * what each generation of Twenty's parser would select (test/twenty/twenty-filter-model.ts),
 * narrowed by the residual, is exactly what a plain JavaScript predicate selects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/errors.js';
import { buildFilter, type FilterFields, type FilterInput } from '../../src/twenty/filter.js';
import type { TwentyRecord } from '../../src/twenty/types.js';
import { evaluateParsed, parseTwentyFilter, VARIANTS } from './twenty-filter-model.js';
import { expected } from './reference-filter.js';

const fields: FilterFields = { id: 'id', name: 'string', employees: 'number', address: { addressCity: 'string' } };

const alphabet = ['a', 'b', 'A', 'B', ' ', '(', ')', '"', "'", '[', ']', ',', ':', '%', '_', '\\', '\n', 'é', '😀', 'N', 'U', 'L'];
const hostileString = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 7 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'NULL', 'null') },
);

const stringOps = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.record({ eq: value }),
    fc.record({ neq: value }),
    fc.record({ in: fc.array(value, { maxLength: 3 }) }),
    fc.record({ gt: value }),
    fc.record({ lte: value }),
    fc.record({ contains: value }),
    fc.record({ startsWith: value }),
    fc.record({ endsWith: value }),
    fc.record({ isNull: fc.boolean() }),
    fc.record({ contains: value, neq: value }),
  );
const numberOps = fc.oneof(
  fc.record({ eq: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ gt: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ in: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }) }),
  fc.record({ isNull: fc.boolean() }),
);

function scenario(pool: string[]) {
  const value = fc.oneof(
    fc.constantFrom(...pool),
    fc.constantFrom(...pool).map((s) => s.toUpperCase()),
    fc.constantFrom(...pool).map((s) => s.slice(1, -1)),
    hostileString,
  );
  const { filter } = fc.letrec<{ filter: FilterInput; leaf: FilterInput }>((tie) => ({
    leaf: fc.oneof(
      stringOps(value).map((ops) => ({ name: ops })),
      stringOps(value).map((ops) => ({ address: { addressCity: ops } })),
      numberOps.map((ops) => ({ employees: ops })),
    ),
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.array(tie('filter'), { maxLength: 3 }).map((and) => ({ and })),
      fc.array(tie('filter'), { maxLength: 3 }).map((or) => ({ or })),
      tie('filter').map((not) => ({ not })),
    ),
  }));
  const record = fc.record({
    name: fc.option(fc.constantFrom(...pool), { nil: null }),
    employees: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
    city: fc.option(fc.constantFrom(...pool), { nil: null }),
  });
  return fc.tuple(filter, fc.array(record, { minLength: 1, maxLength: 12 }));
}

const arbitrary = fc
  .array(hostileString, { minLength: 1, maxLength: 6 })
  .chain((pool) => scenario(pool));

describe('filter safety against every Twenty parser generation', () => {
  it('selects exactly the records the plain predicate selects, for hostile strings in every operator', () => {
    fc.assert(
      fc.property(arbitrary, ([input, rows]) => {
        const records: TwentyRecord[] = rows.map((r, i) => ({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          name: r.name,
          employees: r.employees,
          address: { addressCity: r.city },
        }));
        let built;
        try {
          built = buildFilter(input, fields);
        } catch (e) {
          expect(e).toBeInstanceOf(BadUserInputError);
          return;
        }
        const want = records.filter((r) => expected(input, r) === true).map((r) => r.id);
        for (const variant of VARIANTS) {
          const parsed = built.filter === undefined ? undefined : parseTwentyFilter(built.filter, variant);
          const server = records.filter((r) => parsed === undefined || evaluateParsed(parsed, r, fields) === true);
          const got = server.filter((r) => built.residual?.(r) ?? true).map((r) => r.id);
          expect(got).toEqual(want);
          // The string alone is exact unless a residual says otherwise.
          if (!built.residual) expect(server.map((r) => r.id)).toEqual(want);
        }
      }),
      { numRuns: Number(process.env.FILTER_SAFETY_RUNS ?? 2000) },
    );
  });
});
