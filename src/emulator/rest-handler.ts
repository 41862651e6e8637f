/**
 * The `/rest/{plural}…` routes of twenty-rest.md §1–§7 for one authenticated workspace.
 * Each handler returns the status and JSON body Twenty would send.
 */
import { randomUUID } from 'node:crypto';
import { parseFilter, type FilterNode } from './filter-parse.js';
import { groupBy } from './group-by.js';
import { mergeRecords } from './merge.js';
import { HttpError, badRequest, notFound } from './http-error.js';
import { type ObjectDef, type ObjectRegistry } from './objects.js';
import { capitalize } from './composites.js';
import { type OrderKey, encodeCursor, parseOrderBy } from './order.js';
import { parseRestPath, resolveObject } from './rest-path.js';
import { type RawJson } from './raw-json.js';
import { parseFields, selectFields } from './fields.js';
import { type Row, fromStored } from './serialize.js';
import { type Store } from './store.js';
import { type ColumnValues, toColumnValues } from './validate.js';
import { type RecordAction, type RecordEvent } from './webhooks.js';

export interface RestRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  body: unknown;
  ws: string;
  /** The API key's display name, recorded in createdBy/updatedBy. */
  actorName: string;
}

export interface RestResponse {
  status: number;
  body: unknown;
}

export interface RestSettings {
  pageLimit: number;
  legacy: boolean;
}

/** Who hears about writes (webhooks, §11). */
export interface RecordEvents {
  /** Whether a workspace has listeners at all: records are only serialised for events when it has. */
  wants(ws: string): boolean;
  emit(event: RecordEvent): void;
}

/** Fields that change with every write; Twenty's `updatedFields` leaves them out. */
const BOOKKEEPING = new Set(['updatedAt', 'updatedBy']);

/** §3: hard delete-many refuses more records than this. */
const MAX_HARD_DELETE = 200;

export class RestHandler {
  constructor(
    private readonly store: Store,
    private readonly registry: ObjectRegistry,
    private readonly settings: RestSettings,
    private readonly events?: RecordEvents,
  ) {}

  /** The record as events carry it (depth 0), or undefined when it does not exist. */
  private documentOf(ws: string, def: ObjectDef, id: string): Record<string, unknown> | undefined {
    const row = this.store.findById(ws, def, id, true);
    // Events carry the whole record, whatever `fields=` the write asked for.
    return row ? (JSON.parse(this.store.documents(ws, def, [row], 0)[0].text) as Record<string, unknown>) : undefined;
  }

  /** Runs a write of one record and reports it: `action` decides from the record before and after. */
  private reported(
    req: RestRequest,
    def: ObjectDef,
    id: string,
    write: () => void,
    action: (before: Record<string, unknown> | undefined) => RecordAction,
  ): void {
    if (!this.events?.wants(req.ws)) return write();
    const before = this.documentOf(req.ws, def, id);
    write();
    const kind = action(before);
    const after = this.documentOf(req.ws, def, id);
    const record = kind === 'destroyed' ? before : after;
    if (!record) return;
    const updatedFields =
      kind === 'updated' && before && after
        ? Object.keys(after).filter((k) => !BOOKKEEPING.has(k) && JSON.stringify(after[k]) !== JSON.stringify(before[k]))
        : undefined;
    this.events.emit({ ws: req.ws, def, action: kind, record, updatedFields });
  }

  handle(req: RestRequest): RestResponse {
    const method = req.method === 'PUT' ? 'PATCH' : req.method;
    const path = parseRestPath(method, req.pathname, this.settings.legacy);
    const def = resolveObject(this.registry, path.object);
    const route = `${method} ${path.action}`;
    if (def.readOnly && method !== 'GET') throw badRequest(`Object ${def.singular} is read-only through the REST API`);
    // §13: a bad `fields=` is refused before anything is read or written.
    if (method !== 'DELETE' && path.action !== 'groupBy') parseFields(def, req.query, this.depth(req), this.settings.legacy);
    switch (route) {
      case 'GET collection':
        return this.findMany(req, def);
      case 'GET record':
        return this.findOne(req, def, path.id!);
      case 'POST collection':
        return this.createOne(req, def);
      case 'POST batch':
        return this.createMany(req, def);
      case 'PATCH record':
        return this.updateOne(req, def, path.id!);
      case 'PATCH collection':
        return this.updateMany(req, def);
      case 'DELETE record':
        return this.deleteOne(req, def, path.id!);
      case 'DELETE collection':
        return this.deleteMany(req, def);
      case 'PATCH restore':
        return this.restore(req, def, path.id!);
      case 'GET groupBy':
        return this.groupBy(req, def);
      case 'POST duplicates':
        return { status: 200, body: { data: [] } };
      case 'PATCH merge':
        return { status: 200, body: { data: { [`merge${capitalize(def.plural)}`]: mergeRecords(this.store, req.ws, def, req.body) } } };
      default:
        throw new HttpError(404, 'Not Found', `Cannot ${req.method} ${req.pathname}`);
    }
  }

  private filter(req: RestRequest): FilterNode | null {
    return parseFilter(req.query.getAll('filter'));
  }

  private limit(req: RestRequest, defaultLimit: number): number {
    const values = req.query.getAll('limit');
    if (values.length === 0 || values[0] === '') return defaultLimit;
    const raw = values.join(',');
    const limit = values.length === 1 ? +raw : NaN;
    if (Number.isNaN(limit) || limit < 0) throw badRequest(`limit '${raw}' is invalid. Should be an integer`);
    // §3: above the page limit it is silently clamped.
    return Math.floor(Math.min(limit, this.settings.pageLimit));
  }

  private depth(req: RestRequest): 0 | 1 {
    const raw = req.query.get('depth');
    if (raw === null || raw === '') return 0;
    const depth = +raw;
    if (depth !== 0 && depth !== 1) throw badRequest(`'depth=${raw}' parameter invalid. Allowed values are 0, 1`);
    return depth;
  }

  private single(req: RestRequest, name: string): string | undefined {
    const values = req.query.getAll(name);
    return values.length === 1 ? values[0] : undefined;
  }

  /** The records as the response holds them: relations at depth 1 (§6), trimmed by `fields=` (§13). */
  private output(req: RestRequest, def: ObjectDef, rows: Row[], depth: 0 | 1): RawJson[] {
    const selection = parseFields(def, req.query, depth, this.settings.legacy);
    const documents = this.store.documents(req.ws, def, rows, depth, selection?.relations);
    return selection ? selectFields(documents, selection) : documents;
  }

  /** §3: the cursor of a row holds its value for each order key plus its id. */
  private cursorOf(order: OrderKey[], row: Row): string {
    const record: Record<string, unknown> = {};
    for (const key of order) {
      const value = fromStored(key.col, row[key.col.column]);
      if (key.path.length === 1) record[key.path[0]] = value;
      else record[key.path[0]] = { ...(record[key.path[0]] as object | undefined), [key.path[1]]: value };
    }
    return encodeCursor(order, record);
  }

  private findMany(req: RestRequest, def: ObjectDef): RestResponse {
    const limit = this.limit(req, 60);
    const depth = this.depth(req);
    const startingAfter = this.single(req, 'starting_after');
    const endingBefore = this.single(req, 'ending_before');
    if (startingAfter !== undefined && endingBefore !== undefined) {
      throw badRequest(`'starting_after' and 'ending_before' cannot be used together`);
    }
    const order = parseOrderBy(def, req.query.getAll('order_by'));
    const filter = this.filter(req);
    const result = this.store.findMany(req.ws, def, { filter, order, limit, startingAfter, endingBefore });
    const records = this.output(req, def, result.rows, depth);
    const cursors = result.rows.map((row) => this.cursorOf(order, row));
    // §3: forward, hasPreviousPage says a cursor was given; backward is the mirror image.
    const backward = endingBefore !== undefined;
    const hasNextPage = backward ? true : result.hasMore;
    const hasPreviousPage = backward ? result.hasMore : startingAfter !== undefined;
    const pageInfo: Record<string, unknown> = {
      hasNextPage,
      ...(this.settings.legacy && !hasPreviousPage ? {} : { hasPreviousPage }),
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    };
    return { status: 200, body: { data: { [def.plural]: records }, pageInfo, totalCount: result.totalCount } };
  }

  private findOne(req: RestRequest, def: ObjectDef, id: string): RestResponse {
    const depth = this.depth(req);
    const row = this.store.findById(req.ws, def, id);
    if (!row) throw notFound();
    return { status: 200, body: { data: { [def.singular]: this.output(req, def, [row], depth)[0] } } };
  }

  private actor(req: RestRequest): Record<string, unknown> {
    return { Source: 'API', WorkspaceMemberId: null, Name: req.actorName, Context: '{}' };
  }

  private stamp(req: RestRequest, prefix: 'createdBy' | 'updatedBy', values: ColumnValues): void {
    for (const [k, v] of Object.entries(this.actor(req))) values[prefix + k] = v;
  }

  /** Validates one create body into full column values (defaults, id, position, timestamps, actor). */
  private prepareCreate(req: RestRequest, def: ObjectDef, body: unknown, position: () => number): ColumnValues {
    const values = toColumnValues(def, body, { defaults: true });
    const now = new Date().toISOString();
    values.id ??= randomUUID();
    values.createdAt = now;
    values.updatedAt = now;
    values.deletedAt = null;
    this.stamp(req, 'createdBy', values);
    this.stamp(req, 'updatedBy', values);
    if ('position' in values && (body as Record<string, unknown>).position === undefined) values.position = position();
    return values;
  }

  private insertOrUpsert(req: RestRequest, def: ObjectDef, body: unknown, values: ColumnValues, upsert: boolean): string {
    const id = values.id as string;
    const existing = this.store.findById(req.ws, def, id, true);
    if (existing && !upsert) throw badRequest(`A record with id '${id}' already exists`);
    this.reported(
      req,
      def,
      id,
      () => {
        if (existing) {
          const patch = toColumnValues(def, body, { defaults: false });
          patch.updatedAt = new Date().toISOString();
          this.stamp(req, 'updatedBy', patch);
          this.store.update(req.ws, def, id, patch);
        } else {
          this.store.insert(req.ws, def, values);
        }
      },
      () => (existing ? 'updated' : 'created'),
    );
    return id;
  }

  /**
   * New records go first (Twenty gives them a position below the smallest). Asked lazily:
   * objects without a position column (noteTargets, taskTargets) never query it.
   */
  private positions(req: RestRequest, def: ObjectDef): () => number {
    let next: number | undefined;
    return () => {
      next = (next ?? this.store.minPosition(req.ws, def)) - 1;
      return next;
    };
  }

  private createOne(req: RestRequest, def: ObjectDef): RestResponse {
    const depth = this.depth(req);
    const upsert = req.query.get('upsert') === 'true';
    const values = this.prepareCreate(req, def, req.body, this.positions(req, def));
    const id = this.insertOrUpsert(req, def, req.body, values, upsert);
    const record = this.output(req, def, [this.store.findById(req.ws, def, id, true)!], depth)[0];
    return { status: 201, body: { data: { [`create${capitalize(def.singular)}`]: record } } };
  }

  private createMany(req: RestRequest, def: ObjectDef): RestResponse {
    const depth = this.depth(req);
    const upsert = req.query.get('upsert') === 'true';
    if (!Array.isArray(req.body)) throw badRequest('Request body must be a JSON array of records');
    if (req.body.length > this.settings.pageLimit) {
      throw badRequest(`Maximum number of records to create at once is ${this.settings.pageLimit}`);
    }
    const position = this.positions(req, def);
    const prepared = req.body.map((body) => ({ body, values: this.prepareCreate(req, def, body, position) }));
    const ids = this.store.db.transaction(() => prepared.map((p) => this.insertOrUpsert(req, def, p.body, p.values, upsert)))();
    const rows = ids.map((id) => this.store.findById(req.ws, def, id, true)!);
    return { status: 201, body: { data: { [`create${capitalize(def.plural)}`]: this.output(req, def, rows, depth) } } };
  }

  private patch(req: RestRequest, def: ObjectDef, id: string, values: ColumnValues): void {
    values.updatedAt = new Date().toISOString();
    this.stamp(req, 'updatedBy', values);
    this.store.update(req.ws, def, id, values);
  }

  private updateOne(req: RestRequest, def: ObjectDef, id: string): RestResponse {
    const depth = this.depth(req);
    if (!this.store.findById(req.ws, def, id)) throw notFound();
    const values = toColumnValues(def, req.body, { defaults: false });
    this.reported(req, def, id, () => this.patch(req, def, id, values), () => 'updated');
    const record = this.output(req, def, [this.store.findById(req.ws, def, id, true)!], depth)[0];
    return { status: 200, body: { data: { [`update${capitalize(def.singular)}`]: record } } };
  }

  private requiredFilter(req: RestRequest): FilterNode {
    const filter = this.filter(req);
    if (!filter) throw badRequest(`'filter' is required to update or delete many records, eg: id[in]:[id_1,id_2]`);
    return filter;
  }

  private updateMany(req: RestRequest, def: ObjectDef): RestResponse {
    const depth = this.depth(req);
    const filter = this.requiredFilter(req);
    const values = toColumnValues(def, req.body, { defaults: false });
    const ids = this.store.findAll(req.ws, def, filter, Number.MAX_SAFE_INTEGER).map((r) => r.id as string);
    this.store.db.transaction(() => ids.forEach((id) => this.reported(req, def, id, () => this.patch(req, def, id, { ...values }), () => 'updated')))();
    const rows = ids.map((id) => this.store.findById(req.ws, def, id, true)!);
    return { status: 200, body: { data: { [`update${capitalize(def.plural)}`]: this.output(req, def, rows, depth) } } };
  }

  private softDelete(req: RestRequest, def: ObjectDef, id: string): void {
    const now = new Date().toISOString();
    this.store.update(req.ws, def, id, { deletedAt: now, updatedAt: now });
  }

  /** Soft delete sets deletedAt (event `deleted`); hard delete removes the row and cascades (`destroyed`). */
  private remove(req: RestRequest, def: ObjectDef, id: string, soft: boolean): void {
    this.reported(
      req,
      def,
      id,
      () => (soft ? this.softDelete(req, def, id) : this.store.db.transaction(() => this.store.destroy(req.ws, def, id))()),
      () => (soft ? 'deleted' : 'destroyed'),
    );
  }

  private deleteOne(req: RestRequest, def: ObjectDef, id: string): RestResponse {
    // §1: hard by default; soft_delete=true only sets deletedAt.
    const soft = req.query.get('soft_delete') === 'true';
    if (!this.store.findById(req.ws, def, id, !soft)) throw notFound();
    this.remove(req, def, id, soft);
    return { status: 200, body: { data: { [`delete${capitalize(def.singular)}`]: { id } } } };
  }

  private deleteMany(req: RestRequest, def: ObjectDef): RestResponse {
    const soft = req.query.get('soft_delete') === 'true';
    const filter = this.requiredFilter(req);
    const ids = this.store.findAll(req.ws, def, filter, Number.MAX_SAFE_INTEGER).map((r) => r.id as string);
    if (!soft && ids.length > MAX_HARD_DELETE) {
      throw badRequest(`Cannot destroy more than ${MAX_HARD_DELETE} records at once (${ids.length} match the filter)`);
    }
    this.store.db.transaction(() => {
      for (const id of ids) this.remove(req, def, id, soft);
    })();
    return { status: 200, body: { data: { [`delete${capitalize(def.plural)}`]: ids.map((id) => ({ id })) } } };
  }

  private restore(req: RestRequest, def: ObjectDef, id: string): RestResponse {
    if (!this.store.findById(req.ws, def, id, true)) throw notFound();
    this.reported(req, def, id, () => this.store.update(req.ws, def, id, { deletedAt: null, updatedAt: new Date().toISOString() }), () => 'restored');
    const record = this.output(req, def, [this.store.findById(req.ws, def, id)!], 0)[0];
    return { status: 200, body: { data: { [`restore${capitalize(def.singular)}`]: record } } };
  }

  private groupBy(req: RestRequest, def: ObjectDef): RestResponse {
    const rows = groupBy(this.store, req.ws, def, {
      groupBy: req.query.getAll('group_by'),
      aggregate: req.query.getAll('aggregate'),
      filter: this.filter(req),
      limit: this.limit(req, 50),
    });
    // §7: a bare array, no data wrapper.
    return { status: 200, body: rows };
  }
}
