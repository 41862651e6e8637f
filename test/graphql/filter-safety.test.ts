/**
 * Filter safety (§4: Twenty's filter grammar has no escapes): whatever string a caller puts in
 * whatever string operator, the BFF answers exactly what the filter means, computed here from
 * every record, or refuses with BAD_USER_INPUT. Never a different set of records.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { createMany, createOne } from '../emulator/helpers.js';
import { nodes, restAll, sortedIds, type Rec } from './helpers.js';

// No characters in U+E000–U+FFFF: there UTF-16 order (JS) and byte order (databases) differ.
const ALPHABET = ['a', 'b', 'A', 'B', ' ', '"', "'", '(', ')', '[', ']', ',', ':', '%', '_', '\\', 'é', '🎉', '.', '*'];
const FIXED = ['', 'a"b', "a'b", `a"b'c`, 'x(y', 'x)y', ')(', '")("', 'a,b', ']:', 'n[eq]:x', '%', '_', '\\', '100%_off', 'ünï', '🎉 party', 'or(a,b)', "'quoted'", '"dq"', 'a\\"b'];

const hostile = fc.oneof(
  fc.constantFrom(...FIXED),
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((chars) => chars.join('')),
);

const STRING_OPS = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'contains', 'startsWith', 'endsWith'] as const;
type Op = (typeof STRING_OPS)[number];

const bytes = (s: string) => Buffer.from(s, 'utf8');
const lower = (s: string) => s.toLowerCase();

/** The exact meaning of one string operator on a non-null value. */
function holds(op: Op, actual: string, value: string | string[]): boolean {
  const v = value as string;
  switch (op) {
    case 'eq':
      return actual === v;
    case 'neq':
      return actual !== v;
    case 'in':
      return (value as string[]).includes(actual);
    case 'gt':
      return Buffer.compare(bytes(actual), bytes(v)) > 0;
    case 'gte':
      return Buffer.compare(bytes(actual), bytes(v)) >= 0;
    case 'lt':
      return Buffer.compare(bytes(actual), bytes(v)) < 0;
    case 'lte':
      return Buffer.compare(bytes(actual), bytes(v)) <= 0;
    case 'contains':
      return lower(actual).includes(lower(v));
    case 'startsWith':
      return lower(actual).startsWith(lower(v));
    case 'endsWith':
      return lower(actual).endsWith(lower(v));
  }
}

let stack: Stack;
let companies: Rec[];
let people: Rec[];
let home: Rec;
const outcomes = { answered: 0, refused: 0 };

beforeAll(async () => {
  stack = await startStack({ emulator: { companies: 30 } });
  await createMany(stack.emulator, 'companies', FIXED.map((name) => ({ name })));
  home = await createOne(stack.emulator, 'companies', { name: 'Hostile Home' });
  await createMany(
    stack.emulator,
    'people',
    FIXED.map((jobTitle, i) => ({ name: { firstName: `P${i}`, lastName: 'Hostile' }, jobTitle, companyId: home.id })),
  );
  companies = await restAll(stack, 'companies');
  people = (await restAll(stack, 'people')).filter((p) => p.companyId === home.id);
});

afterAll(async () => {
  await stack?.close();
  // A property that only ever saw refusals would prove nothing.
  expect(outcomes.answered).toBeGreaterThan(outcomes.refused);
});

const shape = fc.record({
  op: fc.constantFrom(...STRING_OPS),
  value: hostile,
  values: fc.array(hostile, { minLength: 1, maxLength: 3 }),
  wrap: fc.constantFrom('plain', 'not', 'or', 'and'),
  other: fc.constantFrom(...FIXED),
});

type Shape = { op: Op; value: string; values: string[]; wrap: string; other: string };

/** The filter input on `field` and the predicate it must equal. */
function build(field: string, s: Shape): { filter: Rec; matches: (actual: string) => boolean } {
  const value = s.op === 'in' ? s.values : s.value;
  const leaf = { [field]: { [s.op]: value } };
  const base = (a: string) => holds(s.op, a, value);
  switch (s.wrap) {
    case 'not':
      return { filter: { not: leaf }, matches: (a) => !base(a) };
    case 'or':
      return { filter: { or: [leaf, { [field]: { eq: s.other } }] }, matches: (a) => base(a) || a === s.other };
    case 'and':
      return { filter: { and: [leaf, { [field]: { neq: s.other } }] }, matches: (a) => base(a) && a !== s.other };
    default:
      return { filter: leaf, matches: base };
  }
}

describe('hostile strings in string filters', () => {
  it('on a root list: exactly the matching companies with an exact count, or BAD_USER_INPUT', async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const { filter, matches } = build('name', s as Shape);
        const { body } = await stack.query(
          'query ($f: CompanyFilter) { companies(first: 1000, filter: $f) { totalCount edges { node { id } } } }',
          { f: filter },
        );
        if (body.errors) {
          expect(body.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
          outcomes.refused++;
          return;
        }
        const expected = companies.filter((c) => matches(c.name));
        expect(sortedIds(nodes(body.data.companies))).toEqual(sortedIds(expected));
        expect(body.data.companies.totalCount).toBe(expected.length);
        outcomes.answered++;
      }),
      { numRuns: 120 },
    );
  });

  it("on a nested connection: exactly the matching people of one company, or BAD_USER_INPUT", async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const { filter, matches } = build('jobTitle', s as Shape);
        const { body } = await stack.query(
          'query ($id: ID!, $f: PersonFilter) { company(id: $id) { people(filter: $f) { totalCount edges { node { id } } } } }',
          { id: home.id, f: filter },
        );
        if (body.errors) {
          expect(body.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
          outcomes.refused++;
          return;
        }
        const expected = people.filter((p) => matches(p.jobTitle));
        expect(sortedIds(nodes(body.data.company.people))).toEqual(sortedIds(expected));
        expect(body.data.company.people.totalCount).toBe(expected.length);
        outcomes.answered++;
      }),
      { numRuns: 80 },
    );
  });
});
