/**
 * GraphQL Mesh v1 over Twenty's OpenAPI document, set up as Mesh's docs tell a user
 * (https://the-guild.dev/graphql/mesh/v1/source-handlers/openapi and /v1/schema-extensions):
 * one OpenAPI subgraph, the caller's Authorization forwarded, and the `@resolveTo` links a user
 * adds so that records reach their relations. `npm run bench` composes it against the emulator
 * (TWENTY_URL) and serves the result with `hive-gateway supergraph`.
 *
 * - `ignoreErrorResponses`: without it every operation returns a union of the 200 body and the
 *   error body, and `@resolveTo(result: …)` cannot take a path through a union.
 * - Twenty's filter is a string, so a link cannot batch keys (`keysArg` needs a list argument):
 *   every link is one REST call per parent, which is what Mesh does over this API.
 * - Links to lists pass `limit` and `depth` through, so a query asks `limit: 0` for a count or
 *   `depth: _1` to get a record's to-one relations inlined by Twenty (twenty-rest.md §6).
 */
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const twentyUrl = process.env.TWENTY_URL ?? 'http://localhost:3000';
const schemaKey = process.env.TWENTY_API_KEY ?? '';

/** A list of `plural` filtered by `field` = the parent's id, with limit and depth passed through. */
function listLink(field: string, plural: string, listType: string, filterField: string): string {
  const Plural = plural[0].toUpperCase() + plural.slice(1);
  return `${field}(limit: Int, depth: queryInput_findMany${Plural}_depth): ${listType} @resolveTo(
    sourceName: "Twenty", sourceTypeName: "Query", sourceFieldName: "findMany${Plural}",
    requiredSelectionSet: "{ id }",
    sourceArgs: { filter: "${filterField}[eq]:{root.id}", limit: "{args.limit}", depth: "{args.depth}" })`;
}

/** One record by the foreign key `key` of the parent. */
function recordLink(field: string, singular: string, type: string, key: string): string {
  const Singular = singular[0].toUpperCase() + singular.slice(1);
  return `${field}: ${type} @resolveTo(
    sourceName: "Twenty", sourceTypeName: "Query", sourceFieldName: "findOne${Singular}",
    requiredSelectionSet: "{ ${key} }", sourceArgs: { id: "{root.${key}}" }, result: "data.${singular}")`;
}

export const composeConfig = defineConfig({
  output: process.env.MESH_OUTPUT ?? 'supergraph.graphql',
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Twenty', {
        source: `${twentyUrl}/rest/open-api/core`,
        schemaHeaders: { Authorization: `Bearer ${schemaKey}` },
        operationHeaders: { Authorization: '{context.headers.authorization}' },
        ignoreErrorResponses: true,
      }),
    },
  ],
  additionalTypeDefs: /* GraphQL */ `
    extend type CompanyWithRelations {
      ${recordLink('accountOwnerRecord', 'workspaceMember', 'WorkspaceMemberWithRelations', 'accountOwnerId')}
      ${listLink('peopleList', 'people', 'PersonList', 'companyId')}
      ${listLink('opportunitiesList', 'opportunities', 'OpportunityList', 'companyId')}
      ${listLink('noteTargetsList', 'noteTargets', 'NoteTargetList', 'targetCompanyId')}
      ${listLink('taskTargetsList', 'taskTargets', 'TaskTargetList', 'targetCompanyId')}
    }
    extend type PersonWithRelations {
      ${recordLink('companyRecord', 'company', 'CompanyWithRelations', 'companyId')}
      ${listLink('opportunitiesList', 'opportunities', 'OpportunityList', 'pointOfContactId')}
    }
    extend type OpportunityWithRelations {
      ${recordLink('companyRecord', 'company', 'CompanyWithRelations', 'companyId')}
      ${recordLink('pointOfContactRecord', 'person', 'PersonWithRelations', 'pointOfContactId')}
    }
    extend type NoteTargetWithRelations {
      ${recordLink('noteRecord', 'note', 'NoteWithRelations', 'noteId')}
    }
    extend type TaskTargetWithRelations {
      ${recordLink('taskRecord', 'task', 'TaskWithRelations', 'taskId')}
    }
  `,
});
