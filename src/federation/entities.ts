import type { RequestContext } from '../context.js';
import { BadUserInputError } from '../errors.js';
import type { FederationReferenceTypes, Resolvers } from '../generated/federation.js';
import type { ValueKey } from '../loaders/index.js';
import { isUuid } from '../twenty/filter-values.js';
import { normaliseEmail, normaliseLinkUrl } from '../twenty/normalise.js';
import type { ObjectPlural, TwentyRecord } from '../twenty/types.js';

/** `Person @key(fields: "emails { primaryEmail }")`, asked as `emails.primaryEmail[in]:[…]`. */
const PRIMARY_EMAIL: ValueKey = { field: 'emails', subField: 'primaryEmail', normalise: normaliseEmail };
/** `Company @key(fields: "domainName { primaryLinkUrl }")`, asked as `domainName.primaryLinkUrl[in]:[…]`. */
const PRIMARY_DOMAIN: ValueKey = { field: 'domainName', subField: 'primaryLinkUrl', normalise: normaliseLinkUrl };

/** An entity: its REST object and its keys besides `id` (GraphQL field names are Twenty's). */
interface Entity<T extends string = string> {
  typename: T;
  object: ObjectPlural;
  alternativeKeys?: ValueKey[];
}

/**
 * The entities' reference resolvers (schema/federation/subgraph.graphql declares their keys).
 * Every representation goes through the request's loaders, so all the representations of one
 * type in an `_entities` call share one batched call per 200 keys, and what they load is primed
 * for their relations and for the other types' lookups.
 */
export const entityResolvers: Resolvers = {
  Company: { __resolveReference: resolver({ typename: 'Company', object: 'companies', alternativeKeys: [PRIMARY_DOMAIN] }) },
  Person: { __resolveReference: resolver({ typename: 'Person', object: 'people', alternativeKeys: [PRIMARY_EMAIL] }) },
  Opportunity: { __resolveReference: resolver({ typename: 'Opportunity', object: 'opportunities' }) },
  Note: { __resolveReference: resolver({ typename: 'Note', object: 'notes' }) },
  Task: { __resolveReference: resolver({ typename: 'Task', object: 'tasks' }) },
  WorkspaceMember: { __resolveReference: resolver({ typename: 'WorkspaceMember', object: 'workspaceMembers' }) },
};

/** Every entity lookup a request has started, so that they resolve together (see `resolver`). */
const lookupsOf = new WeakMap<RequestContext, Array<Promise<unknown>>>();

/**
 * A reference resolver. It is async, because @apollo/subgraph calls every reference resolver
 * inside one `map`, where a synchronous throw would fail the whole `_entities` list: a bad
 * representation rejects its own index only.
 *
 * Each lookup returns only when every lookup the request started has settled, so all the
 * entities (of every type and key, in every `_entities` alias) hand their records to graphql-js
 * in the same tick: their relations (the people of 100 companies, the companies of people found
 * by email) then share one batch each, as under `companies`, instead of one batch per REST call
 * that happened to answer first.
 */
function resolver<T extends string>(entity: Entity<T>) {
  return async (reference: FederationReferenceTypes[T], ctx: RequestContext): Promise<TwentyRecord | null> => {
    const lookup = findRecord(ctx, entity, reference);
    let lookups = lookupsOf.get(ctx);
    if (!lookups) lookupsOf.set(ctx, (lookups = []));
    lookups.push(lookup);
    // Representations are resolved in one synchronous loop; wait until no new lookup has joined.
    for (let settled = 0; settled < lookups.length; ) {
      settled = lookups.length;
      await Promise.allSettled(lookups.slice());
    }
    return lookup;
  };
}

/**
 * One representation's record, or null when no record has its key (an unknown key is not an
 * error: a router asks for whatever other subgraphs hold). A representation that cannot be a key
 * (an id that is not a UUID, no key at all) is a BAD_USER_INPUT error.
 */
async function findRecord(ctx: RequestContext, entity: Entity, reference: Record<string, unknown>): Promise<TwentyRecord | null> {
  const { typename, object } = entity;
  if (reference.id !== undefined && reference.id !== null) {
    if (!isUuid(reference.id)) {
      throw new BadUserInputError(`${typename} representation: "${String(reference.id)}" is not a valid id (expected a UUID).`, {
        field: 'id',
      });
    }
    // The loader keys ids in lowercase itself (idKey): an id in any case shares its batch and cache.
    return ctx.loaders.byId(object).load(reference.id);
  }
  for (const key of entity.alternativeKeys ?? []) {
    if (!(key.field in reference)) continue;
    const composite = reference[key.field];
    const value = typeof composite === 'object' && composite !== null ? (composite as Record<string, unknown>)[key.subField] : composite;
    // No email is nobody's email.
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') {
      throw new BadUserInputError(`${typename} representation: ${key.field}.${key.subField} must be a string.`, {
        field: `${key.field}.${key.subField}`,
      });
    }
    return ctx.loaders.byValue(object, key).load(value);
  }
  const keys = ['id', ...(entity.alternativeKeys ?? []).map((key) => `${key.field} { ${key.subField} }`)];
  throw new BadUserInputError(`${typename} representation has none of its keys (${keys.join(', ')}).`);
}
