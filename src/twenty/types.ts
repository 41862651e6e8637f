/**
 * The contract between the BFF and Twenty's REST API (see ../shared/twenty-rest.md).
 * Everything above `src/twenty/` talks to Twenty only through `TwentyClient`.
 */

/** A record as Twenty returns it: flat JSON, composite fields as nested objects (§2, §10). */
export type TwentyRecord = { id: string } & Record<string, unknown>;

/** Plural REST names of the objects the BFF serves (§1: objects are named by their plural). */
export type ObjectPlural =
  | 'companies'
  | 'people'
  | 'opportunities'
  | 'notes'
  | 'tasks'
  | 'noteTargets'
  | 'taskTargets'
  | 'workspaceMembers';

export interface ListParams {
  /** A filter string built by `buildFilter` (src/twenty/filter.ts); never user text. */
  filter?: string;
  /** `field1,field2[DescNullsLast]` (§5). */
  orderBy?: string;
  /** Records per page; the client clamps it to the server's page limit. */
  limit?: number;
  startingAfter?: string;
  endingBefore?: string;
  depth?: 0 | 1;
  /**
   * Only these fields (§13; many-to-ones by relation name). A hint: sent while the server
   * honours it (learned per server), and the answer is whole where it does not.
   */
  fields?: readonly string[];
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** One page of a find-many, normalised from either list shape (array or edges/node, §2). */
export interface ListPage {
  records: TwentyRecord[];
  totalCount: number;
  pageInfo: PageInfo;
}

export interface GroupByParams {
  /** e.g. `[{ stage: true }]` or `[{ closeDate: { granularity: 'MONTH' } }]` (§7). */
  groupBy: Array<Record<string, unknown>>;
  /** e.g. `['totalCount', 'sumAmountAmountMicros']`. */
  aggregate: string[];
  filter?: string;
  limit?: number;
}

/** One group of a groupBy answer (§7): dimension values plus the aggregates asked for. */
export type GroupByRow = { groupByDimensionValues: unknown[] } & Record<string, unknown>;

export interface SelectOption {
  value: string;
  label: string;
  color: string | null;
  position: number;
}

export interface FieldMetadata {
  name: string;
  type: string;
  label?: string;
  options?: SelectOption[] | null;
}

export interface ObjectMetadata {
  nameSingular: string;
  namePlural: string;
  fields: FieldMetadata[];
}

/**
 * The one door to Twenty, bound to one caller's token. Made per request by the context;
 * it never outlives the request, so one token's data cannot reach another's.
 */
export interface TwentyClient {
  list(object: ObjectPlural, params?: ListParams): Promise<ListPage>;
  /** null when Twenty answers 404. */
  get(object: ObjectPlural, id: string, options?: { depth?: 0 | 1 }): Promise<TwentyRecord | null>;
  create(object: ObjectPlural, data: Record<string, unknown>): Promise<TwentyRecord>;
  createMany(object: ObjectPlural, data: Array<Record<string, unknown>>): Promise<TwentyRecord[]>;
  update(object: ObjectPlural, id: string, data: Record<string, unknown>): Promise<TwentyRecord>;
  /** Soft delete sets `deletedAt`; hard delete (soft: false) removes the row (§1). */
  delete(object: ObjectPlural, id: string, options: { soft: boolean }): Promise<{ id: string }>;
  /** Tries `PATCH /rest/{plural}/{id}/restore`, then the older `/rest/restore/{plural}/{id}`. */
  restore(object: ObjectPlural, id: string): Promise<TwentyRecord>;
  groupBy(object: ObjectPlural, params: GroupByParams): Promise<GroupByRow[]>;
  /** `GET /rest/metadata/objects`, normalised. */
  objectMetadata(): Promise<ObjectMetadata[]>;
  /** The largest `limit` the server honours: 200 on current Twenty, 60 on older servers. */
  pageLimit(): Promise<number>;
}

/** What one upstream call cost, reported to metrics and to `extensions.upstream`. */
export interface UpstreamCallEvent {
  method: string;
  object: string;
  status: number | 'network_error' | 'timeout';
  ms: number;
}
