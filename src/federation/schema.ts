import { buildSubgraphSchema } from '@apollo/subgraph';
import { addResolversToSchema } from '@graphql-tools/schema';
import { parse, type GraphQLSchema } from 'graphql';
import type { Resolvers } from '../generated/graphql.js';
import { entityResolvers } from './entities.js';

/**
 * The API of `resolvers` served as an Apollo Federation v2 subgraph (`FEDERATION=on`). `typeDefs`
 * are schema/*.graphql followed by schema/federation/*.graphql, which only marks the same types
 * (@key, @shareable) and links the federation spec. @apollo/subgraph builds the subgraph: it adds
 * `_service { sdl }`, `_entities` and `_Entity`, and installs the entities' reference resolvers;
 * the API's own resolvers are then installed and checked against the SDL as `createSchema` does
 * (STYLE.md practice 3), so both modes serve the same fields with the same resolvers.
 */
export function createSubgraphSchema(typeDefs: readonly string[], resolvers: Resolvers): GraphQLSchema {
  const subgraph = buildSubgraphSchema({ typeDefs: parse(typeDefs.join('\n')), resolvers: entityResolvers });
  return addResolversToSchema({
    schema: subgraph,
    resolvers,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
