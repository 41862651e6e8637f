/**
 * `GET /rest/metadata/objects` (twenty-rest.md §1, §10): every object with its fields; SELECT
 * fields carry their options (`value`, `label`, `color`, `position`), relations name their target.
 */
import { type ObjectDef, type ObjectRegistry, stableUuid } from './objects.js';

const CREATED = '2025-01-01T00:00:00.000Z';

function fieldsOf(def: ObjectDef, registry: ObjectRegistry): Array<Record<string, unknown>> {
  const base = (name: string) => ({
    id: stableUuid(`${def.singular}.field.${name}`),
    isCustom: false,
    isActive: true,
    isUIReadOnly: false,
    createdAt: CREATED,
    updatedAt: CREATED,
  });
  const fields: Array<Record<string, unknown>> = def.fields.map((f) => ({
    ...base(f.name),
    type: f.type,
    name: f.name,
    label: f.label,
    description: null,
    icon: null,
    isSystem: f.system,
    isNullable: f.nullable,
    defaultValue: f.options ? `'${String(f.default)}'` : f.default,
    options: f.options ? f.options.map((o) => ({ id: o.id, value: o.value, label: o.label, color: o.color, position: o.position })) : null,
    relation: null,
  }));
  const relationField = (
    rel: { name: string; target: string },
    type: 'MANY_TO_ONE' | 'ONE_TO_MANY',
    settings: Record<string, unknown>,
    targetFieldMetadata?: { name: string },
  ) => {
    const target = registry.get(rel.target)!;
    return {
      ...base(rel.name),
      type: 'RELATION',
      name: rel.name,
      label: rel.name.replace(/^./, (c) => c.toUpperCase()),
      description: null,
      icon: null,
      isSystem: false,
      isNullable: true,
      defaultValue: null,
      options: null,
      settings: { relationType: type, ...settings },
      relation: {
        type,
        sourceObjectMetadata: { id: def.id, nameSingular: def.singular, namePlural: def.plural },
        targetObjectMetadata: { id: target.id, nameSingular: target.singular, namePlural: target.plural },
        ...(targetFieldMetadata ? { targetFieldMetadata } : {}),
      },
    };
  };
  for (const rel of def.manyToOne) fields.push(relationField(rel, 'MANY_TO_ONE', { joinColumnName: rel.fk }));
  for (const rel of def.oneToMany) {
    fields.push(relationField(rel, 'ONE_TO_MANY', {}, { name: rel.fk.replace(/Id$/, '') }));
  }
  return fields;
}

export function metadataObjects(registry: ObjectRegistry): Record<string, unknown> {
  const objects = [...registry.values()].map((def) => ({
    id: def.id,
    nameSingular: def.singular,
    namePlural: def.plural,
    labelSingular: def.labelSingular,
    labelPlural: def.labelPlural,
    description: null,
    icon: null,
    isCustom: false,
    isRemote: false,
    isActive: true,
    isSystem: def.singular === 'noteTarget' || def.singular === 'taskTarget' || def.singular === 'workspaceMember',
    createdAt: CREATED,
    updatedAt: CREATED,
    labelIdentifierFieldMetadataId: stableUuid(`${def.singular}.field.name`),
    fields: fieldsOf(def, registry),
  }));
  return {
    data: { objects },
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: objects.length,
  };
}
