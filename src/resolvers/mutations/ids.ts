import { BadUserInputError } from '../../errors.js';

// Any RFC 4122 layout; Twenty itself answers 400 `'x' is not a valid UUID` (§1), but checking here
// spares a REST call and lets the message name the argument.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws BAD_USER_INPUT unless `value` is a UUID; `what` names the argument in the message. */
export function assertUuid(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new BadUserInputError(`${what} must be a UUID, got ${JSON.stringify(value)}.`, { argument: what });
  }
}
