import { BadUserInputError } from '../../errors.js';
import type { SelectOption } from '../../twenty/types.js';
import { SINGULAR } from '../../twenty/names.js';
import { assertUuid } from './ids.js';
import { toTwentyMoney, type MoneyInputValue } from './money.js';
import type { WritableObject } from './objects.js';

/** `TargetInput`: exactly one of the three ids (§10 noteTarget / taskTarget). */
export interface TargetInputValue {
  companyId?: string | null;
  personId?: string | null;
  opportunityId?: string | null;
}

export interface MappedInput {
  /** The REST body, ready for `client.create` / `client.update`. */
  body: Record<string, unknown>;
  /** Records to link a new note or task to (create only). */
  targets: TargetInputValue[];
}

/** Reads a SELECT field's options; injected so the mapper stays free of request plumbing. */
export type OptionsLookup = (singular: string, field: string) => Promise<SelectOption[]>;

// Fields Twenty owns; writing them through customFields would bypass what the BFF promises.
const SYSTEM_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'deletedAt', 'createdBy', 'updatedBy']);
const TARGET_KEYS = ['companyId', 'personId', 'opportunityId'] as const;

/**
 * A GraphQL create/update input → the body Twenty expects, checking everything that can be
 * checked before a write (UUIDs, SELECT values, money, custom field names, empty updates), so a
 * bad input costs no REST call and fails with BAD_USER_INPUT naming the field.
 */
export async function mapInput(
  object: WritableObject,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
  options: OptionsLookup,
): Promise<MappedInput> {
  const body: Record<string, unknown> = {};
  const selects: Array<[string, unknown]> = [];
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || field === 'customFields' || field === 'targets') continue;
    if (field === 'id' && mode === 'create') {
      // Twenty accepts a client-chosen id on create; it also lets targets be matched to their note.
      assertUuid(value, 'id');
      body.id = value;
      continue;
    }
    const kind = object.fields[field];
    if (kind === undefined) {
      // The SDL and the table are both ours: this is a bug, not a user error, so it is masked.
      throw new Error(`${object.type} input field '${field}' is missing from WRITABLE_OBJECTS`);
    }
    if (value === null || kind === 'value' || kind === 'composite') {
      body[field] = value;
    } else if (kind === 'id') {
      assertUuid(value, field);
      body[field] = value;
    } else if (kind === 'money') {
      body[field] = toTwentyMoney(value as MoneyInputValue, field);
    } else {
      selects.push([field, value]);
      body[field] = value;
    }
  }
  Object.assign(body, customFields(object, input.customFields));
  if (mode === 'update' && Object.keys(body).length === 0) {
    throw new BadUserInputError(`update${object.type} needs at least one field to change.`);
  }
  const targets = mode === 'create' ? targetList(object, input.targets) : [];
  // SELECT checks last: they may read metadata, which is wasted if the input is already wrong.
  for (const [field, value] of selects) await assertOption(object, field, value, options);
  return { body, targets };
}

/** Unknown workspace fields (§10: a client passes them through), refused if they shadow a typed one. */
function customFields(object: WritableObject, raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BadUserInputError('customFields must be a JSON object of field name → value.');
  }
  for (const name of Object.keys(raw)) {
    // Own keys only: `in` would also see Object.prototype (`constructor`, `toString`, …).
    const typed = Object.hasOwn(object.fields, name);
    if (typed || SYSTEM_FIELDS.has(name)) {
      throw new BadUserInputError(
        `customFields.${name} is not a custom field${typed ? `; use the ${name} input field` : ''}.`,
        { field: `customFields.${name}` },
      );
    }
  }
  return raw as Record<string, unknown>;
}

function targetList(object: WritableObject, raw: unknown): TargetInputValue[] {
  if (raw === undefined || raw === null) return [];
  if (!object.targets) throw new Error(`${object.type} has no targets`);
  return (raw as TargetInputValue[]).map((target, i) => {
    const given = TARGET_KEYS.filter((key) => target[key] !== undefined && target[key] !== null);
    if (given.length !== 1) {
      throw new BadUserInputError(`targets[${i}] must set exactly one of ${TARGET_KEYS.join(', ')}.`, {
        field: `targets[${i}]`,
      });
    }
    assertUuid(target[given[0]], `targets[${i}].${given[0]}`);
    return target;
  });
}

async function assertOption(object: WritableObject, field: string, value: unknown, options: OptionsLookup): Promise<void> {
  const allowed = (await options(SINGULAR[object.plural], field)).map((option) => option.value);
  // No options known (field missing from metadata): let Twenty judge rather than refuse everything.
  if (allowed.length === 0 || allowed.includes(value as string)) return;
  throw new BadUserInputError(
    `${SINGULAR[object.plural]}.${field} ${JSON.stringify(value)} is not one of this workspace's values: ${allowed.join(', ')}.`,
    { field, allowedValues: allowed },
  );
}
