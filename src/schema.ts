import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { createSubgraphSchema } from './federation/schema.js';
import { resolvers } from './resolvers/index.js';

const SCHEMA_DIR = fileURLToPath(new URL('../schema/', import.meta.url));
/** Federation marks on the same types, read only in federation mode. */
const FEDERATION_DIR = fileURLToPath(new URL('../schema/federation/', import.meta.url));

/** Every `schema/*.graphql`, in name order. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(dir + name, 'utf8'));
}

/**
 * The executable schema; a resolver for a field the SDL lacks is an error at startup (STYLE.md
 * practice 3). With `federation`, the same API as a Federation v2 subgraph (src/federation/).
 */
export function createSchema(options: { federation?: boolean } = {}): GraphQLSchema {
  if (options.federation) return createSubgraphSchema([...loadTypeDefs(), ...loadTypeDefs(FEDERATION_DIR)], resolvers);
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
