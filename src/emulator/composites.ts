/**
 * Composite field types (twenty-rest.md §10). Each is stored as one column per sub-field, named
 * like Twenty names its own columns (`name` + `FirstName` → `nameFirstName`), so dotted filters
 * (`name.firstName`) and ordering (`amount.amountMicros`) are plain column references.
 */

/** The storage kind of a scalar value: decides SQL type, filter coercion and JSON shape. */
export type ScalarKind =
  | 'UUID'
  | 'TEXT'
  | 'NUMBER' // float (Twenty NUMBER, POSITION, lat/lng)
  | 'NUMERIC' // integer held exactly (amountMicros); summed as a string (§7)
  | 'BOOLEAN'
  | 'DATE_TIME'
  | 'SELECT'
  | 'RAW_JSON';

export interface SubFieldDef {
  name: string;
  kind: ScalarKind;
  /** Value stored when a write leaves it out; Twenty's defaults ('' for text). */
  default: unknown;
}

export type CompositeType =
  | 'FULL_NAME'
  | 'LINKS'
  | 'CURRENCY'
  | 'ADDRESS'
  | 'EMAILS'
  | 'PHONES'
  | 'ACTOR'
  | 'RICH_TEXT_V2';

const text = (name: string): SubFieldDef => ({ name, kind: 'TEXT', default: '' });

export const COMPOSITES: Record<CompositeType, SubFieldDef[]> = {
  FULL_NAME: [text('firstName'), text('lastName')],
  LINKS: [text('primaryLinkUrl'), text('primaryLinkLabel'), { name: 'secondaryLinks', kind: 'RAW_JSON', default: null }],
  CURRENCY: [
    { name: 'amountMicros', kind: 'NUMERIC', default: null },
    text('currencyCode'),
  ],
  ADDRESS: [
    text('addressStreet1'),
    text('addressStreet2'),
    text('addressCity'),
    text('addressState'),
    text('addressPostcode'),
    text('addressCountry'),
    { name: 'addressLat', kind: 'NUMBER', default: null },
    { name: 'addressLng', kind: 'NUMBER', default: null },
  ],
  EMAILS: [text('primaryEmail'), { name: 'additionalEmails', kind: 'RAW_JSON', default: null }],
  PHONES: [
    text('primaryPhoneNumber'),
    text('primaryPhoneCountryCode'),
    text('primaryPhoneCallingCode'),
    { name: 'additionalPhones', kind: 'RAW_JSON', default: null },
  ],
  ACTOR: [
    { name: 'source', kind: 'TEXT', default: 'MANUAL' },
    { name: 'workspaceMemberId', kind: 'UUID', default: null },
    text('name'),
    { name: 'context', kind: 'RAW_JSON', default: {} },
  ],
  RICH_TEXT_V2: [
    { name: 'blocknote', kind: 'TEXT', default: null },
    { name: 'markdown', kind: 'TEXT', default: null },
  ],
};

export const isCompositeType = (type: string): type is CompositeType => type in COMPOSITES;

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Twenty's column name for a composite sub-field. */
export const subColumn = (field: string, sub: string): string => field + capitalize(sub);
