import { composeServices } from '@theguild/federation-composition';
import { buildASTSchema, graphql, parse, printType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema, loadTypeDefs } from '../../src/schema.js';

/**
 * A type as comparable data, its fields in name order: `extend type` (reports) may place its
 * fields before or after the type's own depending on how the schema is assembled.
 */
function printedByField(type: GraphQLNamedType): unknown {
  if (!('getFields' in type)) return printType(type);
  const fields = Object.values(type.getFields()).map((field) => {
    const args = 'args' in field ? field.args.map((arg: { name: string; type: unknown }) => `${arg.name}: ${String(arg.type)}`).join(', ') : '';
    return `${field.description ?? ''}|${field.name}(${args}): ${String(field.type)}`;
  });
  const interfaces = 'getInterfaces' in type ? type.getInterfaces().map((i) => i.name) : [];
  return { description: type.description, name: type.name, interfaces, fields: fields.sort() };
}

const FEDERATION_ONLY = ['_Any', '_Entity', '_Service', 'link__Import', 'link__Purpose', 'federation__FieldSet'];

async function serviceSdl(schema: GraphQLSchema): Promise<string> {
  const result = await graphql({ schema, source: '{ _service { sdl } }' });
  expect(result.errors).toBeUndefined();
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

describe('the schema with FEDERATION off', () => {
  it('is schema/*.graphql and nothing else: no federation type, field or directive', () => {
    const schema = createSchema();
    const sdl = buildASTSchema(parse(loadTypeDefs().join('\n')));
    expect(Object.keys(schema.getTypeMap()).sort()).toEqual(Object.keys(sdl.getTypeMap()).sort());
    expect(schema.getDirectives().map((d) => d.name)).toEqual(sdl.getDirectives().map((d) => d.name));
    expect(printType(schema.getQueryType()!)).toBe(printType(sdl.getQueryType()!));
    for (const name of FEDERATION_ONLY) expect(schema.getType(name)).toBeUndefined();
    expect(Object.keys(schema.getQueryType()!.getFields())).not.toContain('_entities');
    expect(schema.getDirectives().map((d) => d.name)).not.toContain('key');
  });
});

describe('the schema with FEDERATION on', () => {
  const plain = createSchema();
  const subgraph = createSchema({ federation: true });

  it('serves the same API, plus _service and _entities', () => {
    let compared = 0;
    for (const type of Object.values(plain.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const served = subgraph.getType(type.name);
      expect(served, type.name).toBeDefined();
      if (type.name === 'Query') {
        // The same fields as a set: extensions of Query (reports) may come before or after federation's two.
        expect(Object.keys((served as typeof type & { getFields(): object }).getFields()).sort()).toEqual(
          [...Object.keys(plain.getQueryType()!.getFields()), '_entities', '_service'].sort(),
        );
      } else {
        expect(printedByField(served!), type.name).toEqual(printedByField(type));
      }
      compared += 1;
    }
    expect(compared).toBeGreaterThan(50);
    const added = Object.keys(subgraph.getTypeMap()).filter((name) => !plain.getType(name) && !name.startsWith('__'));
    expect(added.sort()).toEqual([...FEDERATION_ONLY].sort());
  });

  it('declares the entities with their keys and the shared value types as @shareable in _service.sdl', async () => {
    const sdl = await serviceSdl(subgraph);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    for (const entity of ['Company', 'Person', 'Opportunity', 'Note', 'Task', 'WorkspaceMember']) {
      expect(sdl, entity).toMatch(new RegExp(`type ${entity}\\b[^{]*@key\\(fields: "id"\\)`));
    }
    expect(sdl).toMatch(/type Company\b[^{]*@key\(fields: "domainName \{ primaryLinkUrl \}"\)/);
    expect(sdl).toMatch(/type Person\b[^{]*@key\(fields: "emails \{ primaryEmail \}"\)/);
    for (const value of ['Money', 'FullName', 'Links', 'Emails', 'Address', 'PageInfo']) {
      expect(sdl, value).toMatch(new RegExp(`type ${value}\\b[^{]*@shareable`));
    }
    const entityUnion = subgraph.getType('_Entity');
    expect(entityUnion && 'getTypes' in entityUnion ? entityUnion.getTypes().map((t) => t.name).sort() : []).toEqual(
      ['Company', 'Note', 'Opportunity', 'Person', 'Task', 'WorkspaceMember'],
    );
  });

  it('composes into a supergraph on its own', async () => {
    const result = composeServices([{ name: 'twenty', typeDefs: parse(await serviceSdl(subgraph)), url: 'http://twenty-bff/graphql' }]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toContain('@join__type(graph: TWENTY, key: "emails { primaryEmail }")');
  });
});
