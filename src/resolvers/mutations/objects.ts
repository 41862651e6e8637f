/**
 * The five objects the BFF writes, derived from the one object model (src/model/): input field →
 * how it is written, GraphQL mutation names, targets. Literal type names let index.ts check at
 * compile time that every mutation of the SDL gets a resolver.
 */
export {
  WRITABLE_COMPANY as COMPANY,
  WRITABLE_NOTE as NOTE,
  WRITABLE_OBJECTS,
  WRITABLE_OPPORTUNITY as OPPORTUNITY,
  WRITABLE_PERSON as PERSON,
  WRITABLE_TASK as TASK,
  type TargetsSpec,
  type WritableObject,
  type WriteKind as FieldKind,
} from '../../model/index.js';
