/**
 * Batches shared by the concurrent operations of one API key. Each request keeps its own
 * loaders and caches; below them, the by-key reads of every operation of the same key (hash of
 * the upstream URL and the key, never across keys) are pooled:
 *
 * - reads of the same query asked in the same turn of the event loop are sent as one batch;
 * - keys already being read by another operation's batch in flight are not read again: the
 *   operation waits for that batch and takes its keys' records;
 * - other keys, while another operation's batch of the same query is in flight, are held and go
 *   together when it lands: a burst of company pages of one key costs a few batches per
 *   relation, not a call per page per relation, against Twenty's 100 requests a minute (§9).
 *
 * A batch read for another operation that fails (that operation was cancelled, say) is read
 * again by each waiting operation for itself, so no operation fails for another's sake. Reads
 * whose filter the BFF checks record by record (a residual, §4) are not pooled.
 */
import { BadUserInputError } from '../errors.js';
import type { ObjectPlural, TwentyClient } from '../twenty/types.js';
import { fetchByKeys, fetchOneParentPages, type FetchedChunk, type RecordQuery } from './batch.js';
import { idKey } from './by-id.js';

/** One by-key read, as `fetchByKeys` takes it. */
export interface KeyRead {
  client: TwentyClient;
  object: ObjectPlural;
  field: string;
  keys: readonly string[];
  query: RecordQuery;
  maxRecords: number;
  /**
   * Set for the relation of single parents (`company(id) { people }`): the records each parent's
   * connection asks for; the read is then `fetchOneParentPages`, which may stop short (`cut`).
   */
  wanted?: number;
}

export type FetchByKeys = (read: KeyRead) => Promise<FetchedChunk[]>;

/** A by-key read made alone: a relation batch, or the pages of single parents. */
export const readKeys: FetchByKeys = (r) =>
  r.wanted === undefined
    ? fetchByKeys(r.client, r.object, r.field, r.keys, r.query, r.maxRecords)
    : fetchOneParentPages(r.client, r.object, r.field, r.keys, r.query, r.wanted, r.maxRecords);

/**
 * A burst's operations reach their first reads some milliseconds apart (each costs the BFF
 * milliseconds of CPU to get there): a held batch still taking keys waits until they pause this
 * long after its predecessor has landed…
 */
export const BURST_GAP_MS = 20;
/** …but goes at most this long after it opened (or when its predecessor lands, if later). */
export const MAX_HOLD_MS = 150;

interface Flight {
  /** Lowercase keys; an open flight still takes more. */
  keys: Set<string>;
  /** The read whose client and query send the batch: its own failure is its own. */
  sender: KeyRead;
  chunks: Promise<FetchedChunk[]>;
  /** Not sent yet: held while another operation's batch of the same query is in flight. */
  open: boolean;
  send(): void;
  /** When it opened, and when it last took keys (performance.now()). */
  opened: number;
  joined: number;
}

interface Waiting {
  read: KeyRead;
  resolve(chunks: FetchedChunk[]): void;
  reject(error: unknown): void;
}

export class SharedBatches {
  /** Per token key, per query identity: reads waiting for this turn, and batches in flight. */
  private readonly queued = new Map<string, Waiting[]>();
  private readonly flying = new Map<string, Set<Flight>>();
  private flushing = false;

  constructor(private readonly fetch: FetchByKeys = readKeys) {}

  /** `fetchByKeys` for one request of the key `tokenKey`, pooled with its other operations. */
  read(tokenKey: string, read: KeyRead): Promise<FetchedChunk[]> {
    if (read.query.residual) return this.fetch(read);
    const identity = JSON.stringify([tokenKey, read.object, read.field, read.query.key, read.query.filter ?? null, read.query.orderBy ?? null, read.query.depth ?? 0, read.query.fields ?? null, read.maxRecords, read.wanted ?? null]);
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

  /**
   * Answers each read of `waiting` from the batches of its query: keys already in a batch (sent
   * or held) are taken from it; the others are sent now, or, while a batch of the same query
   * sent for another operation is in flight, held in one batch that goes when it lands (and,
   * in a burst, once keys stop coming: BURST_GAP_MS, MAX_HOLD_MS). So concurrent operations of
   * one key share few batches (Nagle's idea: at most one batch of a query in flight per key,
   * paced by Twenty's answers), at the cost of at most about that batch's time, and an
   * operation alone never waits.
   */
  private dispatch(identity: string, waiting: Waiting[]): void {
    let flights = this.flying.get(identity);
    if (!flights) this.flying.set(identity, (flights = new Set<Flight>()));
    const taken = new Map<Flight, Set<string>>();
    const take = (flight: Flight, key: string) => {
      const keys = taken.get(flight);
      if (keys) keys.add(key);
      else taken.set(flight, new Set([key]));
    };
    const fresh: string[] = [];
    for (const key of new Set(waiting.flatMap((w) => w.read.keys.map(idKey)))) {
      const flight = [...flights].find((f) => f.keys.has(key));
      if (flight) take(flight, key);
      else fresh.push(key);
    }
    let sendNow: Flight | undefined;
    if (fresh.length > 0) {
      // Keys join the held batch (there is at most one), else a new one: sent now unless
      // another operation's batch of this query is in flight.
      const sender = waiting[0].read;
      const othersInFlight = [...flights].some((f) => !f.open && f.sender.client !== sender.client);
      let target = [...flights].find((f) => f.open);
      if (!target) {
        target = this.flight(identity, flights, sender);
        if (!othersInFlight) sendNow = target;
      }
      target.joined = performance.now();
      for (const key of fresh) {
        target.keys.add(key);
        take(target, key);
      }
    }
    for (const { read, resolve, reject } of waiting) {
      const mine = new Set(read.keys.map(idKey));
      const sources: Array<Promise<FetchedChunk[]>> = [];
      for (const [flight, keys] of taken) {
        const shared = [...keys].filter((key) => mine.has(key));
        if (shared.length === 0) continue;
        sources.push(flight.sender === read ? flight.chunks : this.borrowed(flight.chunks, { ...read, keys: shared }));
      }
      Promise.all(sources).then((parts) => resolve(parts.flat()), reject);
    }
    sendNow?.send();
  }

  /** A batch of `identity` read with `sender`'s client, sent by `send()`; when it lands, the held one goes. */
  private flight(identity: string, flights: Set<Flight>, sender: KeyRead): Flight {
    let go!: () => void;
    const sent = new Promise<void>((resolve) => (go = resolve));
    const flight: Flight = {
      keys: new Set(),
      sender,
      open: true,
      opened: performance.now(),
      joined: performance.now(),
      chunks: sent.then(() => this.fetch({ ...sender, keys: [...flight.keys] })),
      send() {
        if (!flight.open) return;
        flight.open = false;
        go();
      },
    };
    flights.add(flight);
    const landed = () => {
      flights.delete(flight);
      if (flights.size === 0 && this.flying.get(identity) === flights) this.flying.delete(identity);
      else if (![...flights].some((f) => !f.open)) for (const held of flights) release(held);
    };
    flight.chunks.then(landed, landed);
    return flight;
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

/** Sends a held batch whose predecessor has landed, once keys have stopped joining it (or it is old enough). */
function release(held: Flight): void {
  const now = performance.now();
  const quiet = now - held.joined;
  const age = now - held.opened;
  if (quiet >= BURST_GAP_MS || age >= MAX_HOLD_MS) held.send();
  else setTimeout(() => release(held), Math.min(BURST_GAP_MS - quiet, MAX_HOLD_MS - age));
}
