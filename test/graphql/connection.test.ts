/** Edge cursors are computed only when a caller asks for them. */
import { describe, expect, it } from 'vitest';
import { sliceConnection } from '../../src/resolvers/connection.js';
import type { OrderItem } from '../../src/resolvers/order.js';

describe('a connection', () => {
  // JSON cannot hold a BigInt: computing this record's cursor throws, so only a cursor that is
  // computed when read lets the connection be built.
  const records = [{ id: 'a0000000-0000-4000-8000-000000000000', weight: 10n }];
  const order: OrderItem[] = [{ field: 'weight', direction: 'AscNullsFirst' }];

  it('computes no cursor until one is read', () => {
    const connection = sliceConnection(records, {}, order);
    expect(connection.edges[0].node).toBe(records[0]);
    expect(connection.pageInfo.hasNextPage).toBe(false);
    expect(() => connection.edges[0].cursor).toThrow(TypeError);
    expect(() => connection.pageInfo.endCursor).toThrow(TypeError);
  });
});
