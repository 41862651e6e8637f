/**
 * Batches shared by the concurrent operations of one API key. Each request keeps its own
 * loaders and caches; below them, the by-key reads of every operation of the same key (hash of
 * the upstream URL and the key, never across keys) are pooled:
 *
 * - reads of the same query asked in the same turn of the event loop are sent as one batch;
 * - keys already being read by another operation's batch in flight are not read again: the
 *   operation waits for that batch and takes its keys' records.
 *
 * A batch read for another operation that fails (that operation was cancelled, say) is read
 * again by each waiting operation for itself, so no operation fails for another's sake. Reads
 * whose filter the BFF checks record by record (a residual, §4) are not pooled.
 */
import { BadUserInputError } from '../errors.js';
import type { ObjectPlural, TwentyClient } from '../twenty/types.js';
import { fetchByKeys, type FetchedChunk, type RecordQuery } from './batch.js';

/** One by-key read, as `fetchByKeys` takes it. */
export interface KeyRead {
  client: TwentyClient;
  object: ObjectPlural;
  field: string;
  keys: readonly string[];
  query: RecordQuery;
  maxRecords: number;
}

export type FetchByKeys = (read: KeyRead) => Promise<FetchedChunk[]>;

interface Flight {
  keys: ReadonlySet<string>;
  chunks: Promise<FetchedChunk[]>;
}

interface Waiting {
  read: KeyRead;
  resolve(chunks: FetchedChunk[]): void;
  reject(error: unknown): void;
}

const lower = (key: string) => key.toLowerCase();

export class SharedBatches {
  /** Per token key, per query identity: reads waiting for this turn, and batches in flight. */
  private readonly queued = new Map<string, Waiting[]>();
  private readonly flying = new Map<string, Set<Flight>>();
  private flushing = false;

  constructor(private readonly fetch: FetchByKeys = (r) => fetchByKeys(r.client, r.object, r.field, r.keys, r.query, r.maxRecords)) {}

  /** `fetchByKeys` for one request of the key `tokenKey`, pooled with its other operations. */
  read(tokenKey: string, read: KeyRead): Promise<FetchedChunk[]> {
    if (read.query.residual) return this.fetch(read);
    const identity = JSON.stringify([tokenKey, read.object, read.field, read.query.key, read.query.filter ?? null, read.query.orderBy ?? null, read.query.depth ?? 0, read.query.fields ?? null, read.maxRecords]);
    return new Promise((resolve, reject) => {
      const waiting = this.queued.get(identity);
      if (waiting) waiting.push({ read, resolve, reject });
      else this.queued.set(identity, [{ read, resolve, reject }]);
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushing = false;
    const queued = [...this.queued];
    this.queued.clear();
    for (const [identity, waiting] of queued) this.dispatch(identity, waiting);
  }

  /** Sends one batch for the keys of `waiting` not already in flight, and answers each read. */
  private dispatch(identity: string, waiting: Waiting[]): void {
    const flights = this.flying.get(identity) ?? new Set<Flight>();
    const wanted = new Set(waiting.flatMap((w) => w.read.keys.map(lower)));
    const joined = new Map<Flight, string[]>();
    for (const key of wanted) {
      for (const flight of flights) {
        if (!flight.keys.has(key)) continue;
        const keys = joined.get(flight) ?? [];
        keys.push(key);
        joined.set(flight, keys);
        wanted.delete(key);
        break;
      }
    }
    let own: Flight | undefined;
    if (wanted.size > 0) {
      const first = waiting[0].read;
      own = { keys: wanted, chunks: this.fetch({ ...first, keys: [...wanted] }) };
      flights.add(own);
      this.flying.set(identity, flights);
      const landed = () => {
        flights.delete(own!);
        if (flights.size === 0 && this.flying.get(identity) === flights) this.flying.delete(identity);
      };
      own.chunks.then(landed, landed);
    }
    const sender = waiting[0].read;
    for (const { read, resolve, reject } of waiting) {
      const mine = new Set(read.keys.map(lower));
      const sources: Array<Promise<FetchedChunk[]>> = [];
      for (const [flight, keys] of joined) {
        const shared = keys.filter((key) => mine.has(key));
        if (shared.length > 0) sources.push(this.borrowed(flight.chunks, { ...read, keys: shared }));
      }
      const fromOwn = own ? read.keys.filter((key) => own!.keys.has(lower(key))) : [];
      if (own && fromOwn.length > 0) sources.push(read === sender ? own.chunks : this.borrowed(own.chunks, { ...read, keys: fromOwn }));
      Promise.all(sources).then((parts) => resolve(parts.flat()), reject);
    }
  }

  /**
   * Another operation's batch, sent with its client: if it fails for any reason but the query's
   * own (its request was cancelled, say), this operation reads its keys itself.
   */
  private borrowed(chunks: Promise<FetchedChunk[]>, read: KeyRead): Promise<FetchedChunk[]> {
    const again = () => this.fetch(read);
    const failed = (answer: FetchedChunk[]) => answer.some((c) => c.result instanceof Error && !(c.result instanceof BadUserInputError));
    return chunks.then((answer) => (failed(answer) ? again() : answer), again);
  }
}
