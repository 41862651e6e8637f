/**
 * `GET /rest/open-api/core`: an OpenAPI 3 document generated from the object definitions. Unlike
 * the document Twenty publishes, it describes the list shape servers really send (§2: a flat
 * array under `data.<plural>`, with `pageInfo` and `totalCount` beside `data`).
 */
import { COMPOSITES, type CompositeType, type ScalarKind, capitalize, isCompositeType } from './composites.js';
import { type FieldDef, type ObjectDef, type ObjectRegistry } from './objects.js';

type Schema = Record<string, unknown>;

const SCALAR_SCHEMA: Record<ScalarKind, Schema> = {
  UUID: { type: 'string', format: 'uuid' },
  TEXT: { type: 'string' },
  NUMBER: { type: 'number' },
  NUMERIC: { type: 'integer', format: 'int64' },
  BOOLEAN: { type: 'boolean' },
  DATE_TIME: { type: 'string', format: 'date-time' },
  SELECT: { type: 'string' },
  RAW_JSON: {},
};

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const compositeName = (type: CompositeType): string =>
  type.toLowerCase().split('_').map(capitalize).join('').replace('V2', 'V2');

function fieldSchema(field: FieldDef): Schema {
  if (isCompositeType(field.type)) return ref(compositeName(field.type));
  const kind: ScalarKind = field.type === 'POSITION' ? 'NUMBER' : (field.type as ScalarKind);
  const schema: Schema = { ...SCALAR_SCHEMA[kind] };
  if (field.options) schema.enum = field.options.map((o) => o.value);
  if (field.nullable) schema.nullable = true;
  return schema;
}

function objectSchemas(def: ObjectDef, registry: ObjectRegistry): Record<string, Schema> {
  const name = capitalize(def.singular);
  const properties: Record<string, Schema> = {};
  for (const f of def.fields) properties[f.name] = fieldSchema(f);
  const withRelations: Record<string, Schema> = { ...properties };
  for (const rel of def.manyToOne) {
    // §6: a many-to-one relation is null when the foreign key is. In OpenAPI 3.0 a $ref's
    // siblings are ignored, so nullability goes on an allOf wrapper instead.
    withRelations[rel.name] = {
      allOf: [ref(capitalize(registry.get(rel.target)!.singular))],
      nullable: true,
      description: 'depth=1 only',
    };
  }
  for (const rel of def.oneToMany) {
    withRelations[rel.name] = {
      type: 'array',
      maxItems: 60,
      description: 'depth=1 only',
      items: ref(capitalize(registry.get(rel.target)!.singular)),
    };
  }
  const input: Record<string, Schema> = {};
  for (const f of def.fields) if (!f.system || f.name === 'id') input[f.name] = fieldSchema(f);
  return {
    [name]: { type: 'object', properties, required: ['id'] },
    [`${name}WithRelations`]: { type: 'object', properties: withRelations },
    [`${name}Input`]: { type: 'object', properties: input, additionalProperties: false },
    [`${name}List`]: {
      type: 'object',
      properties: {
        data: { type: 'object', properties: { [def.plural]: { type: 'array', items: ref(`${name}WithRelations`) } } },
        pageInfo: ref('PageInfo'),
        totalCount: { type: 'integer' },
      },
    },
  };
}

const params = {
  filter: { name: 'filter', in: 'query', schema: { type: 'string' }, description: "e.g. name[eq]:'Acme' (twenty-rest.md §4)" },
  order_by: { name: 'order_by', in: 'query', schema: { type: 'string' } },
  limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, default: 60 } },
  depth: { name: 'depth', in: 'query', schema: { type: 'integer', enum: [0, 1], default: 0 } },
  starting_after: { name: 'starting_after', in: 'query', schema: { type: 'string' } },
  ending_before: { name: 'ending_before', in: 'query', schema: { type: 'string' } },
  soft_delete: { name: 'soft_delete', in: 'query', schema: { type: 'boolean', default: false } },
  upsert: { name: 'upsert', in: 'query', schema: { type: 'boolean', default: false } },
  id: { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
};

const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const errors = { '400': json(ref('Error'), 'Bad request'), '401': json(ref('Error'), 'Invalid token'), '403': json(ref('Error'), 'Missing token') };

function objectPaths(def: ObjectDef, legacy: boolean): Record<string, Schema> {
  const name = capitalize(def.singular);
  const plural = capitalize(def.plural);
  const one = (op: string) => ({ type: 'object', properties: { data: { type: 'object', properties: { [op]: ref(`${name}WithRelations`) } } } });
  const many = (op: string, item: Schema) => ({
    type: 'object',
    properties: { data: { type: 'object', properties: { [op]: { type: 'array', items: item } } } },
  });
  const body = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
  const paths: Record<string, Schema> = {
    [`/${def.plural}`]: {
      get: {
        operationId: `findMany${plural}`,
        parameters: [params.filter, params.order_by, params.limit, params.depth, params.starting_after, params.ending_before],
        responses: { '200': json(ref(`${name}List`)), ...errors },
      },
      ...(def.readOnly
        ? {}
        : {
            post: {
              operationId: `createOne${name}`,
              parameters: [params.depth, params.upsert],
              requestBody: body(ref(`${name}Input`)),
              responses: { '201': json(one(`create${name}`), 'Created'), ...errors },
            },
            patch: {
              operationId: `updateMany${plural}`,
              parameters: [{ ...params.filter, required: true }],
              requestBody: body(ref(`${name}Input`)),
              responses: { '200': json(many(`update${plural}`, ref(name))), ...errors },
            },
            delete: {
              operationId: `deleteMany${plural}`,
              parameters: [{ ...params.filter, required: true }, params.soft_delete],
              responses: { '200': json(many(`delete${plural}`, { type: 'object', properties: { id: { type: 'string' } } })), ...errors },
            },
          }),
    },
    [`/${def.plural}/{id}`]: {
      parameters: [params.id],
      get: {
        operationId: `findOne${name}`,
        parameters: [params.depth],
        responses: { '200': json(one(def.singular)), '404': json(ref('Error'), 'Not found'), ...errors },
      },
      ...(def.readOnly
        ? {}
        : {
            patch: {
              operationId: `updateOne${name}`,
              parameters: [params.depth],
              requestBody: body(ref(`${name}Input`)),
              responses: { '200': json(one(`update${name}`)), '404': json(ref('Error'), 'Not found'), ...errors },
            },
            delete: {
              operationId: `deleteOne${name}`,
              parameters: [params.soft_delete],
              responses: {
                '200': json({ type: 'object', properties: { data: { type: 'object', properties: { [`delete${name}`]: { type: 'object', properties: { id: { type: 'string' } } } } } } }),
                '404': json(ref('Error'), 'Not found'),
                ...errors,
              },
            },
          }),
    },
  };
  if (!def.readOnly) {
    paths[`/batch/${def.plural}`] = {
      post: {
        operationId: `createMany${plural}`,
        requestBody: body({ type: 'array', items: ref(`${name}Input`) }),
        responses: { '201': json(many(`create${plural}`, ref(name)), 'Created'), ...errors },
      },
    };
    paths[legacy ? `/restore/${def.plural}/{id}` : `/${def.plural}/{id}/restore`] = {
      parameters: [params.id],
      patch: { operationId: `restoreOne${name}`, responses: { '200': json(one(`restore${name}`)), ...errors } },
    };
  }
  // Twenty's document lists no groupBy path, even on servers that have the route (§7): so
  // does this one, and a client cannot learn the route from it.
  return paths;
}

export function openApiDocument(registry: ObjectRegistry, serverUrl: string, legacy: boolean): Record<string, unknown> {
  const schemas: Record<string, Schema> = {
    PageInfo: {
      type: 'object',
      properties: {
        hasNextPage: { type: 'boolean' },
        hasPreviousPage: { type: 'boolean' },
        startCursor: { type: 'string', nullable: true },
        endCursor: { type: 'string', nullable: true },
      },
    },
    Error: {
      type: 'object',
      properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
    },
  };
  for (const type of Object.keys(COMPOSITES) as CompositeType[]) {
    const properties: Record<string, Schema> = {};
    for (const sub of COMPOSITES[type]) properties[sub.name] = { ...SCALAR_SCHEMA[sub.kind], nullable: true };
    schemas[compositeName(type)] = { type: 'object', properties };
  }
  let paths: Record<string, Schema> = {};
  for (const def of registry.values()) {
    Object.assign(schemas, objectSchemas(def, registry));
    paths = { ...paths, ...objectPaths(def, legacy) };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Twenty emulator core API', version: legacy ? 'legacy' : 'current', description: 'Generated from the emulator object definitions.' },
    servers: [{ url: `${serverUrl}/rest` }],
    security: [{ bearerAuth: [] }],
    paths,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } }, schemas },
  };
}
