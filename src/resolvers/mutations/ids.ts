import { BadUserInputError } from '../../errors.js';
import { isUuid } from '../../twenty/filter-values.js';

/**
 * Throws BAD_USER_INPUT unless `value` is a UUID; `what` names the argument in the message.
 * Twenty would answer 400 `'x' is not a valid UUID` (§1), but checking here spares the REST call
 * and, for a foreign key, a half-applied batch.
 */
export function assertUuid(value: unknown, what: string): asserts value is string {
  if (!isUuid(value)) {
    throw new BadUserInputError(`${what} must be a UUID, got ${JSON.stringify(value)}.`, { argument: what });
  }
}
