import type { RequestContext } from '../context.js';
import type { ObjectMetadata, SelectOption } from '../twenty/types.js';
import { NOTE_TARGET } from '../model/index.js';

/**
 * The workspace's object metadata (`GET /rest/metadata/objects`, §1): select options differ per
 * workspace (§10: stages), and so do the target field names. Cached per token hash, never across
 * tokens, for a short TTL so a changed option shows up within a minute, at one upstream call per
 * TTL however many requests ask.
 */
export const METADATA_TTL_MS = 60_000;

type MetadataContext = Pick<RequestContext, 'client' | 'tokenKey'>;

const cache = new Map<string, { expires: number; objects: Promise<ObjectMetadata[]> }>();

/** The workspace's objects, from the cache when fresh. A failed fetch is not cached. */
export function getObjectMetadata(ctx: MetadataContext, now = Date.now()): Promise<ObjectMetadata[]> {
  const hit = cache.get(ctx.tokenKey);
  if (hit && hit.expires > now) return hit.objects;
  for (const [key, entry] of cache) if (entry.expires <= now) cache.delete(key);
  const objects = ctx.client.objectMetadata();
  const entry = { expires: now + METADATA_TTL_MS, objects };
  cache.set(ctx.tokenKey, entry);
  objects.catch(() => {
    if (cache.get(ctx.tokenKey) === entry) cache.delete(ctx.tokenKey);
  });
  return objects;
}

/** Whether this key's metadata is in the cache and fresh (no call needed to read it). */
export function hasFreshMetadata(ctx: Pick<RequestContext, 'tokenKey'>, now = Date.now()): boolean {
  const hit = cache.get(ctx.tokenKey);
  return hit !== undefined && hit.expires > now;
}

/** The options of a SELECT field, by position; empty when the object or field is unknown. */
export async function getSelectOptions(
  ctx: MetadataContext,
  objectSingular: string,
  field: string,
): Promise<SelectOption[]> {
  const objects = await getObjectMetadata(ctx);
  const object = objects.find((o) => o.nameSingular === objectSingular);
  const options = object?.fields.find((f) => f.name === field)?.options ?? [];
  return [...options].sort((a, b) => a.position - b.position);
}

/** Field names linking a note or task target to its record (the same on both target objects). */
export interface TargetFieldNames {
  company: string;
  person: string;
  opportunity: string;
}

/** The target records' foreign key for each kind, current or before v1.17 (from the object model). */
function targetFields(legacy: boolean): TargetFieldNames {
  const names: Record<string, string> = {};
  for (const relation of NOTE_TARGET.relations) {
    if (relation.kind === 'toOne') names[relation.name] = legacy && relation.legacy ? relation.legacy.foreignKey : relation.foreignKey;
  }
  return names as unknown as TargetFieldNames;
}

export const CURRENT_TARGET_FIELDS: TargetFieldNames = targetFields(false);
export const LEGACY_TARGET_FIELDS: TargetFieldNames = targetFields(true);

/**
 * Which target field names the server uses (§10: `targetCompanyId` since v1.17, `companyId`
 * before). Metadata may list the relation (`targetCompany`) or its join column
 * (`targetCompanyId`); either means the current names.
 */
export async function getTargetFieldNames(ctx: MetadataContext): Promise<TargetFieldNames> {
  const objects = await getObjectMetadata(ctx);
  const target = objects.find((o) => o.nameSingular === 'noteTarget' || o.nameSingular === 'taskTarget');
  if (!target) return CURRENT_TARGET_FIELDS;
  const names = new Set(target.fields.map((f) => f.name));
  if (names.has('targetCompanyId') || names.has('targetCompany')) return CURRENT_TARGET_FIELDS;
  if (names.has('companyId') || names.has('company')) return LEGACY_TARGET_FIELDS;
  return CURRENT_TARGET_FIELDS;
}
