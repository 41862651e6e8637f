/** A composite field's value as Twenty returns it inside a record (`{ amountMicros, currencyCode }`, §10). */
export type CompositeValue = Record<string, unknown>;
