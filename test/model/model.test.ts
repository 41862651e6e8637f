/**
 * The object model (src/model/) is the BFF's one table of objects, fields and relations; the SDL
 * is the API contract. These checks keep the two in step field by field, so a field added to
 * one and not the other fails here rather than at a user's query.
 */
import { describe, expect, it } from 'vitest';
import { getNamedType, isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { createSchema } from '../../src/schema.js';
import { OBJECTS, objectModel, orderEnumValue, specOfObject, WRITABLE_OBJECTS } from '../../src/model/index.js';

const schema: GraphQLSchema = createSchema();
const LOGIC = ['and', 'or', 'not'];
const sorted = (names: Iterable<string>) => [...names].sort();

function objectType(name: string) {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

function inputFields(name: string): string[] {
  const type = schema.getType(name);
  if (!isInputObjectType(type)) throw new Error(`${name} is not an input type`);
  return Object.keys(type.getFields());
}

describe.each(OBJECTS.map((model) => [model.type, model] as const))('the model of %s', (type, model) => {
  const graphqlFields = objectType(type).getFields();

  it('accounts for every GraphQL field as a stored field, a relation or a computed field', () => {
    const stored = new Set(model.fields.map((f) => f.name));
    const relations = new Set(model.relations.map((r) => r.name));
    const unaccounted = Object.keys(graphqlFields).filter((f) => !stored.has(f) && !relations.has(f) && !(f in model.computed));
    expect(unaccounted).toEqual([]);
  });

  it('gives every relation the GraphQL type of its target', () => {
    for (const relation of model.relations) {
      const field = graphqlFields[relation.name];
      expect(field, relation.name).toBeDefined();
      const target = objectModel(relation.target).type;
      const named = getNamedType(field.type).name;
      if (relation.kind === 'toOne' || (relation.kind === 'oneToMany' && relation.list)) expect(named).toBe(target);
      else expect(named).toBe(`${target}Connection`);
    }
  });

  // Target records have no filter or order of their own in the schema.
  if (!schema.getType(`${type}Filter`)) return;

  it('filters exactly the fields the model marks filterable', () => {
    const filterable = model.fields.filter((f) => f.filter !== undefined).map((f) => f.name);
    expect(sorted(inputFields(`${type}Filter`).filter((f) => !LOGIC.includes(f)))).toEqual(sorted(filterable));
  });

  it('orders by exactly the model\'s order paths', () => {
    const values = (schema.getType(`${type}OrderField`) as unknown as { getValues(): Array<{ name: string }> }).getValues().map((v) => v.name);
    expect(sorted(values)).toEqual(sorted(Object.keys(specOfObject(model.plural).orderFields)));
    for (const [value, path] of Object.entries(specOfObject(model.plural).orderFields)) expect(orderEnumValue(path)).toBe(value);
  });
});

describe.each(WRITABLE_OBJECTS.map((o) => [o.type, o] as const))('the writable fields of %s', (type, writable) => {
  it('are the fields of its create and update inputs', () => {
    const written = Object.keys(writable.fields);
    const extra = writable.targets ? ['targets'] : [];
    expect(sorted(inputFields(`Create${type}Input`))).toEqual(sorted([...written, 'id', 'customFields', ...extra]));
    expect(sorted(inputFields(`Update${type}Input`))).toEqual(sorted([...written, 'customFields']));
  });

  it('names mutations the SDL has', () => {
    const mutations = schema.getMutationType()!.getFields();
    for (const name of [`create${type}`, `create${writable.typePlural}`, `update${type}`, `delete${type}`, `destroy${type}`, `restore${type}`]) {
      expect(mutations[name], name).toBeDefined();
    }
  });
});
