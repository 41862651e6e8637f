import type { ObjectPlural } from './types.js';

/** Singular names of the objects the BFF serves: Twenty names envelopes after them (§2). */
export const SINGULAR: Readonly<Record<ObjectPlural, string>> = Object.freeze({
  companies: 'company',
  people: 'person',
  opportunities: 'opportunity',
  notes: 'note',
  tasks: 'task',
  noteTargets: 'noteTarget',
  taskTargets: 'taskTarget',
  workspaceMembers: 'workspaceMember',
});

export function assertObjectPlural(object: string): asserts object is ObjectPlural {
  if (!Object.hasOwn(SINGULAR, object)) {
    throw new TypeError(`Unknown Twenty object "${object}"; expected one of ${Object.keys(SINGULAR).join(', ')}`);
  }
}

const capitalise = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** `createCompany`, `createCompanies`, `updateCompany`, … (§2). */
export function envelopeKey(action: 'create' | 'update' | 'delete' | 'restore', object: ObjectPlural, many = false): string {
  return `${action}${capitalise(many ? object : SINGULAR[object])}`;
}
