/**
 * Whole responses cached per API key for `RESPONSE_CACHE_TTL_MS` (graphql-yoga's response cache),
 * dropped when the same key writes, through the BFF, to an object they were read from.
 *
 * - The session is the hash of the upstream URL and the caller's key (`workspaceKey`, as every
 *   process-wide cache here): a response is never served to another key. A request without a
 *   usable key is never cached (a null session would mean one cache shared by everyone).
 * - The plugin indexes a response by the entities in it (`Company:<id>`), which misses what a
 *   response read without holding an entity: `companies { totalCount }`, a `pipeline`. So each
 *   response is also tagged with the Twenty objects its operation reads, from the document and the
 *   schema (a field of type `Company` or `CompanyConnection` reads companies, a report field its
 *   object), scoped to its session; a write drops the tag of its key and object.
 */
import { getNamedType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { createInMemoryCache, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { tokenFrom } from '../context.js';
import { workspaceKey } from '../twenty/workspace-key.js';
import { objectReadByReport } from '../reports/objects.js';
import { OBJECTS } from '../model/index.js';

export interface ResponseCacheOptions {
  ttlMs: number;
  upstreamUrl: string;
  fallbackKey?: string;
  /** `CORS_ORIGINS`: pages that may use the fallback key (see `tokenFrom`). */
  trustedOrigins?: readonly string[];
}

export interface ResponseCache {
  plugin: Plugin;
  /** After a write through the key hashed as `tokenKey` to `object`: drops the responses that read it. */
  wrote(tokenKey: string, object: string): void;
}

const tag = (session: string, object: string) => `twenty:${session}:${object}`;

/** GraphQL type → the object it holds: `Company`, `CompanyConnection`, `CompanyEdge` → companies. */
const OBJECT_OF_TYPE = new Map<string, string>(
  OBJECTS.flatMap(({ type, plural }) => [type, `${type}Connection`, `${type}Edge`].map((name) => [name, plural] as [string, string])),
);

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const store = createInMemoryCache({ max: 10_000 });
  // What each cached response's operation reads, recorded when its key is built, read back on `set`.
  const readsOfKey = new LRUCache<string, { session: string; objects: string[] }>({ max: 20_000 });
  const readsOfDocument = new LRUCache<string, string[]>({ max: 1_000 });
  let schema: GraphQLSchema | undefined;

  const objectsRead = (document: string): string[] => {
    let objects = readsOfDocument.get(document);
    if (!objects && schema) {
      const found = new Set<string>();
      const typeInfo = new TypeInfo(schema);
      try {
        visit(
          parse(document),
          visitWithTypeInfo(typeInfo, {
            Field(node) {
              // The field's own type (`companies: CompanyConnection`), the type it is on (fields of
              // `... on Company` under a union such as federation's `_entities`), or a report.
              const type = typeInfo.getType();
              const parent = typeInfo.getParentType();
              for (const name of [type && getNamedType(type).name, parent?.name]) {
                const object = name ? OBJECT_OF_TYPE.get(name) : undefined;
                if (object) found.add(object);
              }
              const report = objectReadByReport(node.name.value);
              if (report) found.add(report);
            },
          }),
        );
      } catch {
        // A document that does not parse fails before execution and is never cached.
      }
      readsOfDocument.set(document, (objects = [...found]));
    }
    return objects ?? [];
  };

  // The plugin asks for the session and whether caching is on several times per request (yoga's
  // and envelop's hooks each ask): the key is read and hashed once per request.
  const sessions = new WeakMap<Request, string | null>();
  const session = (request: Request): string | null => {
    let id = sessions.get(request);
    if (id === undefined) {
      try {
        id = workspaceKey(options.upstreamUrl, tokenFrom(request, options.fallbackKey, options.trustedOrigins));
      } catch {
        id = null;
      }
      sessions.set(request, id);
    }
    return id;
  };

  const cache: Cache = {
    get: (key) => store.get(key),
    set(key, result, entities, ttl) {
      const reads = readsOfKey.get(key);
      const tags = reads ? reads.objects.map((object) => ({ typename: tag(reads.session, object) })) : [];
      // A hit costs nothing upstream: what DEBUG_UPSTREAM reported for the miss is not repeated.
      const served = result.extensions?.upstream ? { ...result, extensions: { ...result.extensions, upstream: { calls: 0, ms: 0 } } } : result;
      return store.set(key, served, [...entities, ...tags], ttl);
    },
    invalidate: (entities) => store.invalidate(entities),
  };

  const responseCache = useResponseCache({
    ttl: options.ttlMs,
    cache,
    session,
    enabled: (request) => session(request) !== null,
    buildResponseCacheKey(params) {
      // Variables in another key order only make another key: a miss, never a wrong hit.
      const parts = [params.documentString, params.operationName ?? '', JSON.stringify(params.variableValues ?? {}), params.sessionId ?? ''];
      const key = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
      if (params.sessionId) readsOfKey.set(key, { session: params.sessionId, objects: objectsRead(params.documentString) });
      return key;
    },
  });

  // The schema is the server's, whichever it builds (federation or not): read it as it is set.
  const plugin: Plugin = {
    onSchemaChange({ schema: current }) {
      schema = current;
    },
    onPluginInit({ addPlugin }) {
      addPlugin(responseCache);
    },
  };

  return {
    plugin,
    wrote(tokenKey, object) {
      void store.invalidate([{ typename: tag(tokenKey, object) }]);
    },
  };
}
