import type { ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable } from 'graphql-yoga';

/**
 * The errors of each result yoga is about to send (`onResultProcess`), one list per result: every
 * operation of a batch, or the one; none for a stream, whose events go out one by one.
 */
export function errorsByResult(result: ExecutionResult | readonly ExecutionResult[] | AsyncIterable<unknown>): GraphQLError[][] {
  if (isAsyncIterable(result)) return [];
  const results: readonly ExecutionResult[] = Array.isArray(result) ? result : [result as ExecutionResult];
  return results.map((one) => [...(one.errors ?? [])]);
}
