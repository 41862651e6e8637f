import DataLoader from 'dataloader';
import type { TwentyRecord } from '../twenty/types.js';

/**
 * DataLoader by id that also remembers every primed record in `known`, so a batch can serve ids
 * primed while it waited for a list in flight (DataLoader's own cache already holds the batch's
 * pending promise for them). `clear`/`clearAll` forget both, so a writer's clear-then-prime
 * (or clear after a delete) is never undone by a stale copy.
 *
 * Ids are kept lowercase (`idKey`): Twenty answers with lowercase UUIDs but accepts any case, so
 * `company(id: "ABC…")` must find what `abc…` finds, and share its cache entry.
 */
export class ByIdLoader extends DataLoader<string, TwentyRecord | null> {
  constructor(
    private readonly known: Map<string, TwentyRecord>,
    batch: DataLoader.BatchLoadFn<string, TwentyRecord | null>,
    options: Pick<DataLoader.Options<string, TwentyRecord | null>, 'batchScheduleFn'> = {},
  ) {
    super(batch, { cacheKeyFn: idKey, ...options });
  }

  override prime(key: string, value: TwentyRecord | null | PromiseLike<TwentyRecord | null> | Error): this {
    if (value !== null && !(value instanceof Error) && !isPromiseLike(value) && !this.known.has(idKey(key))) {
      this.known.set(idKey(key), value);
    }
    return super.prime(key, value);
  }

  /** The record this request already holds for `id`, without loading anything. */
  peek(id: string): TwentyRecord | undefined {
    return this.known.get(idKey(id));
  }

  override clear(key: string): this {
    this.known.delete(idKey(key));
    return super.clear(key);
  }

  override clearAll(): this {
    this.known.clear();
    return super.clearAll();
  }
}

export const idKey = (id: string): string => id.toLowerCase();

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';
