import DataLoader from 'dataloader';
import type { TwentyRecord } from '../twenty/types.js';

/**
 * DataLoader by id that also remembers every primed record in `known`, so a batch can serve ids
 * primed while it waited for a list in flight (DataLoader's own cache already holds the batch's
 * pending promise for them). `clear`/`clearAll` forget both, so a writer's clear-then-prime
 * (or clear after a delete) is never undone by a stale copy.
 */
export class ByIdLoader extends DataLoader<string, TwentyRecord | null> {
  constructor(
    private readonly known: Map<string, TwentyRecord>,
    batch: DataLoader.BatchLoadFn<string, TwentyRecord | null>,
  ) {
    super(batch);
  }

  override prime(key: string, value: TwentyRecord | null | PromiseLike<TwentyRecord | null> | Error): this {
    if (value !== null && !(value instanceof Error) && !isPromiseLike(value) && !this.known.has(key)) {
      this.known.set(key, value);
    }
    return super.prime(key, value);
  }

  override clear(key: string): this {
    this.known.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.known.clear();
    return super.clearAll();
  }
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';
