import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/errors.js';
import { andFilters, buildFilter, idInFilter, MATCH_NOTHING, orderByString, type FilterFields, type FilterInput } from '../../src/twenty/filter.js';
import { likeRegex, parseTwentyFilter, VARIANTS } from './twenty-filter-model.js';

const fields: FilterFields = {
  id: 'id',
  name: 'string',
  employees: 'number',
  idealCustomerProfile: 'boolean',
  createdAt: 'datetime',
  deletedAt: 'datetime',
  stage: 'enum',
  accountOwnerId: 'id',
  address: { addressCity: 'string', addressLat: 'number' },
};
const UUID_A = '0f6c1f1e-6a0b-4c53-9d1e-3f5a2b7c8d90';
const UUID_B = '20202020-0713-40a5-8216-82802401d33e';

describe('buildFilter writes exact strings for sayable values', () => {
  it('writes a plain string eq as a double-quoted leaf', () => {
    expect(buildFilter({ name: { eq: 'Acme' } }, fields)).toEqual({ filter: 'name[eq]:"Acme"' });
  });

  it('returns no filter for an absent or empty input', () => {
    expect(buildFilter(undefined, fields)).toEqual({});
    expect(buildFilter(null, fields)).toEqual({});
    expect(buildFilter({}, fields)).toEqual({});
  });

  it('quotes with single quotes when the value holds double quotes in even number', () => {
    expect(buildFilter({ name: { eq: 'say "hi"' } }, fields).filter).toBe(`name[eq]:'say "hi"'`);
  });

  it('keeps commas, colons, brackets in pairs and "]:" inside the quotes', () => {
    expect(buildFilter({ name: { eq: 'a,b]:[c' } }, fields).filter).toBe('name[eq]:"a,b]:[c"');
  });

  it('writes empty strings and padded strings as quoted values, and keeps the text NULL a literal', () => {
    expect(buildFilter({ name: { eq: '' } }, fields).filter).toBe('name[eq]:""');
    expect(buildFilter({ name: { eq: 'NULL' } }, fields).filter).toBe('name[in]:["NULL"]');
    expect(buildFilter({ name: { neq: 'NULL' } }, fields).filter).toBe('not(name[in]:["NULL"])');
    // SELECT values go bare: Twenty checks them against the options before removing quotes.
    expect(buildFilter({ stage: { eq: 'NULL' } }, fields).filter).toBe('stage[eq]:NULL');
    expect(buildFilter({ name: { eq: '  x  ' } }, fields).filter).toBe('name[eq]:"  x  "');
  });

  it('builds contains, startsWith and endsWith as ilike patterns with %, _ and \\ escaped', () => {
    expect(buildFilter({ name: { contains: '50%_\\' } }, fields).filter).toBe('name[ilike]:"%50\\%\\_\\\\%"');
    expect(buildFilter({ name: { startsWith: 'Ac' } }, fields).filter).toBe('name[ilike]:"Ac%"');
    expect(buildFilter({ name: { endsWith: 'me' } }, fields).filter).toBe('name[ilike]:"%me"');
  });

  it('writes numbers and booleans bare, datetimes as ISO UTC, ids bare', () => {
    expect(buildFilter({ employees: { gte: 10, lt: 20.5 } }, fields).filter).toBe('and(employees[gte]:10,employees[lt]:20.5)');
    expect(buildFilter({ idealCustomerProfile: { eq: true } }, fields).filter).toBe('idealCustomerProfile[eq]:true');
    expect(buildFilter({ createdAt: { gt: '2024-01-02T03:04:05+02:00' } }, fields).filter).toBe('createdAt[gt]:"2024-01-02T01:04:05.000Z"');
    expect(buildFilter({ accountOwnerId: { eq: UUID_B } }, fields).filter).toBe(`accountOwnerId[eq]:${UUID_B}`);
  });

  it('maps isNull to is NULL / NOT_NULL and names composite sub-fields with a dot', () => {
    expect(buildFilter({ address: { addressCity: { isNull: true } } }, fields).filter).toBe('address.addressCity[is]:NULL');
    expect(buildFilter({ address: { addressCity: { isNull: false } } }, fields).filter).toBe('address.addressCity[is]:NOT_NULL');
  });

  it('nests and, or and not', () => {
    const built = buildFilter({ or: [{ name: { eq: 'A' } }, { not: { employees: { gt: 3 } } }], stage: { in: ['NEW', 'MEETING'] } }, fields);
    expect(built).toEqual({ filter: 'and(or(name[eq]:"A",not(employees[gt]:3)),stage[in]:[NEW,MEETING])' });
  });

  it('treats in: [] as matching nothing and or: [] as false, and: [] as true', () => {
    expect(buildFilter({ name: { in: [] } }, fields).filter).toBe(MATCH_NOTHING);
    expect(buildFilter({ or: [] }, fields).filter).toBe(MATCH_NOTHING);
    expect(buildFilter({ and: [] }, fields)).toEqual({});
  });

  it('turns in items holding commas or brackets into eq alternatives', () => {
    const built = buildFilter({ name: { in: ['plain', 'a,b', 'x[y]'] } }, fields);
    expect(built).toEqual({ filter: 'or(name[in]:["plain"],name[eq]:"a,b",name[eq]:"x[y]")' });
  });
});

describe('buildFilter widens unsayable values and returns the exact residual', () => {
  it('widens an odd apostrophe to _ with like and keeps O\'Brien exact through the residual', () => {
    const built = buildFilter({ name: { eq: "O'Brien" } }, fields);
    expect(built.filter).toBe('name[like]:"O_Brien"');
    expect(built.residual?.({ id: UUID_A, name: "O'Brien" })).toBe(true);
    expect(built.residual?.({ id: UUID_A, name: 'O Brien' })).toBe(false);
  });

  it('widens parentheses, newlines and unbalanced brackets', () => {
    expect(buildFilter({ name: { eq: 'Acme (EU)' } }, fields).filter).toBe('name[like]:"Acme _EU_"');
    expect(buildFilter({ name: { eq: 'a\nb' } }, fields).filter).toBe('name[like]:"a_b"');
    expect(buildFilter({ name: { contains: 'x]' } }, fields).filter).toBe('name[ilike]:"%x_%"');
  });

  it('widens both quote kinds together', () => {
    expect(buildFilter({ name: { contains: `"it's"` } }, fields).filter).toBe('name[ilike]:"%_it_s_%"');
  });

  it('drops a neq or range it cannot say from the string and leaves it to the residual', () => {
    const built = buildFilter({ name: { neq: 'Acme (EU)' }, employees: { gt: 5 } }, fields);
    expect(built.filter).toBe('employees[gt]:5');
    expect(built.residual?.({ id: UUID_A, name: 'Acme (EU)', employees: 9 })).toBe(false);
    expect(built.residual?.({ id: UUID_A, name: 'Other', employees: 9 })).toBe(true);
    expect(built.residual?.({ id: UUID_A, name: null, employees: 9 })).toBe(false);
  });

  it('negates the narrow side under not, so not(eq unsayable) sends no constraint', () => {
    const built = buildFilter({ not: { name: { eq: 'a(b' } } }, fields);
    expect(built.filter).toBeUndefined();
    expect(built.residual?.({ id: UUID_A, name: 'a(b' })).toBe(false);
    expect(built.residual?.({ id: UUID_A, name: 'a_b' })).toBe(true);
  });

  it('uses not(like) as the narrow side of neq so not(neq) stays a pattern', () => {
    const built = buildFilter({ not: { name: { neq: 'a(b' } } }, fields);
    expect(built.filter).toBe('not(not(name[like]:"a_b"))');
  });

  it('keeps soft-deleted rows in when widening drops the deletedAt condition', () => {
    const built = buildFilter({ or: [{ deletedAt: { isNull: false } }, { name: { neq: 'x)' } }] }, fields);
    expect(built.filter).toBe('or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)');
    expect(built.residual).toBeDefined();
  });
});

describe('buildFilter refuses what it cannot check', () => {
  const refused = (input: FilterInput, field: string) => {
    let error: unknown;
    try {
      buildFilter(input, fields);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as Error).message).toContain(field);
  };

  it('refuses an operator given null instead of ignoring it, so a null variable never means "everything"', () => {
    refused({ accountOwnerId: { eq: null } }, 'accountOwnerId');
    refused({ name: { neq: null } }, 'name');
    refused({ address: { addressCity: { in: null } } }, 'address.addressCity');
    expect(buildFilter({ accountOwnerId: { isNull: true } }, fields)).toEqual({ filter: 'accountOwnerId[is]:NULL' });
  });

  it('names an unknown field or sub-field', () => {
    refused({ nope: { eq: 1 } }, 'nope');
    refused({ address: { nope: { eq: 'x' } } }, 'address.nope');
    refused({ address: { eq: 'x' } }, 'address');
  });

  it('refuses an operator of the wrong kind', () => {
    refused({ employees: { contains: '1' } }, 'employees');
    refused({ idealCustomerProfile: { gt: true } }, 'idealCustomerProfile');
    refused({ name: { like: 'x' } }, 'name');
  });

  it('refuses values that are not of the field kind', () => {
    refused({ employees: { eq: 'ten' } }, 'employees');
    refused({ employees: { eq: Number.NaN } }, 'employees');
    refused({ idealCustomerProfile: { eq: 'true' } }, 'idealCustomerProfile');
    refused({ createdAt: { gt: 'yesterday' } }, 'createdAt');
    refused({ accountOwnerId: { eq: 'not-a-uuid' } }, 'accountOwnerId');
    refused({ accountOwnerId: { in: [UUID_A, 'x'] } }, 'accountOwnerId');
    refused({ stage: { eq: 'NEW)' } }, 'stage');
    refused({ name: { in: 'a' } }, 'name');
    refused({ name: { isNull: 'yes' } }, 'name');
  });
});

describe('every hostile value reads back exactly on every parser generation', () => {
  const hostile = [
    'plain', '', ' lead and trail ', 'NOT_NULL', 'null', 'a,b', 'a]:[b', '[x]', ']x[', 'a:b', '50%', 'under_score', 'back\\slash',
    'say "hi"', "it's Bob's", 'ünïcödé 😀', 'tab\there', 'name[eq]:"x"', 'x[eq]:1,y[eq]:2',
  ];
  for (const value of hostile) {
    it(`reads ${JSON.stringify(value)} back as itself after a sibling and before one`, () => {
      const built = buildFilter({ and: [{ employees: { eq: 1 } }, { name: { eq: value } }, { employees: { eq: 2 } }] }, fields);
      expect(built.residual).toBeUndefined();
      for (const variant of VARIANTS) {
        expect(parseTwentyFilter(built.filter!, variant)).toEqual({
          and: [
            { leaf: { fields: ['employees'], comparator: 'eq', value: '1' } },
            { leaf: { fields: ['name'], comparator: 'eq', value } },
            { leaf: { fields: ['employees'], comparator: 'eq', value: '2' } },
          ],
        });
      }
    });
  }
});

describe('every unsayable value becomes a like pattern that each parser generation reads as one leaf', () => {
  const unsayable = ['a]:b', 'and(x', ')(', "'", '"', `"'`, "O'Brien", 'line\nbreak', 'x\u2028y', 'nul\u0000', 'lone\ud800', 'a"b"c"'];
  for (const value of unsayable) {
    it(`widens ${JSON.stringify(value)} to a like leaf that still matches it`, () => {
      const built = buildFilter({ and: [{ employees: { eq: 1 } }, { name: { eq: value } }, { employees: { eq: 2 } }] }, fields);
      expect(built.residual?.({ id: UUID_A, name: value, employees: 1 })).toBe(false);
      for (const variant of VARIANTS) {
        const parsed = parseTwentyFilter(built.filter!, variant) as { and: Array<{ leaf: { fields: string[]; comparator: string; value: string } }> };
        expect(parsed.and).toHaveLength(3);
        expect(parsed.and[1].leaf.comparator).toBe('like');
        expect(likeRegex(parsed.and[1].leaf.value, false).test(value)).toBe(true);
        expect(parsed.and[2]).toEqual({ leaf: { fields: ['employees'], comparator: 'eq', value: '2' } });
      }
    });
  }
});

describe('andFilters, idInFilter and orderByString', () => {
  it('ANDs strings and built filters under one root and ANDs residuals', () => {
    const user = buildFilter({ name: { eq: "O'Brien" } }, fields);
    const combined = andFilters(user, idInFilter('companyId', [UUID_A]), undefined);
    expect(combined.filter).toBe(`and(name[like]:"O_Brien",companyId[in]:[${UUID_A}])`);
    expect(combined.residual?.({ id: UUID_A, name: "O'Brien" })).toBe(true);
    expect(combined.residual?.({ id: UUID_A, name: 'O-Brien' })).toBe(false);
    expect(andFilters(undefined, {})).toEqual({});
    expect(andFilters('a[eq]:1')).toEqual({ filter: 'a[eq]:1' });
  });

  it('builds id lists and refuses ids that are not UUIDs', () => {
    expect(idInFilter('id', [UUID_A, UUID_B])).toBe(`id[in]:[${UUID_A},${UUID_B}]`);
    expect(idInFilter('id', [])).toBe(MATCH_NOTHING);
    expect(() => idInFilter('id', ['1,2'])).toThrow(BadUserInputError);
  });

  it('writes order_by with explicit directions', () => {
    expect(orderByString([{ field: 'name.firstName', direction: 'DescNullsLast' }, { field: 'createdAt', direction: 'AscNullsFirst' }])).toBe(
      'name.firstName[DescNullsLast],createdAt[AscNullsFirst]',
    );
    expect(orderByString([])).toBeUndefined();
    expect(() => orderByString([{ field: 'a,b', direction: 'AscNullsFirst' }])).toThrow(TypeError);
  });
});
