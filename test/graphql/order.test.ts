/**
 * The in-memory side of ordering: GraphQL orderBy → Twenty order items (§5), their exact
 * reversal (for `last` without `before`), and the comparator that merges chunked results.
 */
import { describe, expect, it } from 'vitest';
import { compareBy, reverseOrder, toOrderItems } from '../../src/resolvers/order.js';
import { companySpec } from '../../src/resolvers/objects.js';

describe('toOrderItems', () => {
  it('maps enum values to Twenty paths and directions, ending with the id tie-breaker', () => {
    expect(
      toOrderItems(
        [
          { field: 'ANNUAL_RECURRING_REVENUE_AMOUNT_MICROS', direction: 'DESC' },
          { field: 'NAME', direction: 'ASC_NULLS_LAST' },
          { field: 'EMPLOYEES' },
        ],
        companySpec.orderFields,
      ),
    ).toEqual([
      { field: 'annualRecurringRevenue.amountMicros', direction: 'DescNullsLast' },
      { field: 'name', direction: 'AscNullsLast' },
      { field: 'employees', direction: 'AscNullsFirst' },
      { field: 'id', direction: 'AscNullsFirst' },
    ]);
  });

  it('keeps an explicit id key instead of appending another, and drops repeated keys', () => {
    expect(toOrderItems([{ field: 'ID', direction: 'DESC' }, { field: 'ID' }], companySpec.orderFields)).toEqual([
      { field: 'id', direction: 'DescNullsLast' },
    ]);
  });
});

describe('compareBy', () => {
  const rows = [
    { id: 'a', n: 3, s: 'x', m: { micros: '900719925474099300' } },
    { id: 'b', n: null, s: 'y', m: { micros: '900719925474099200' } },
    { id: 'c', n: 1, s: 'x', m: null },
    { id: 'd', n: 3, s: null, m: { micros: 5 } },
  ];
  const sorted = (items: Parameters<typeof compareBy>[0]) => [...rows].sort(compareBy(items)).map((r) => r.id);

  it('puts nulls where the direction says and breaks ties on the next key', () => {
    expect(sorted([{ field: 'n', direction: 'AscNullsFirst' }, { field: 'id', direction: 'AscNullsFirst' }])).toEqual(['b', 'c', 'a', 'd']);
    expect(sorted([{ field: 'n', direction: 'AscNullsLast' }, { field: 'id', direction: 'AscNullsFirst' }])).toEqual(['c', 'a', 'd', 'b']);
    expect(sorted([{ field: 'n', direction: 'DescNullsFirst' }, { field: 'id', direction: 'DescNullsFirst' }])).toEqual(['b', 'd', 'a', 'c']);
  });

  it('compares big integers held as strings exactly, and composite sub-fields by path', () => {
    expect(sorted([{ field: 'm.micros', direction: 'DescNullsLast' }])).toEqual(['a', 'b', 'd', 'c']);
  });

  it('orders a reversed list exactly backwards', () => {
    const items = toOrderItems([{ field: 'EMPLOYEES', direction: 'DESC_NULLS_FIRST' }], { EMPLOYEES: 'n' });
    expect(sorted(reverseOrder(items))).toEqual(sorted(items).reverse());
  });
});
