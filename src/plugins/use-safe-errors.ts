import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Longest error message a client gets: longer ones would quote the caller's input at length. */
const MAX_ERROR_MESSAGE_CHARS = 500;

/** graphql-js's suggestions: `Did you mean "name"?`, `Did you mean the enum value "NAME"?`. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * The last look at every error before it is sent, whatever produced it (request parsing,
 * validation, variables, execution): no error echoes the request (yoga's invalid-JSON error
 * carries the parser's message, which quotes the body, in `extensions.originalError`; graphql-js
 * quotes names and values), and with introspection off, no "Did you mean …" reveals the schema.
 * graphql-armor's suggestion blocker is not used: it misses enum values and variables.
 */
export function useSafeErrors(options: { hideSuggestions: boolean }): Plugin {
  const clean = (error: GraphQLError): GraphQLError => {
    let message = error.message;
    if (options.hideSuggestions) message = message.replace(SUGGESTION, '');
    if (message.length > MAX_ERROR_MESSAGE_CHARS) message = `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}… (truncated)`;
    const { originalError: _echo, ...extensions } = error.extensions ?? {};
    if (message === error.message && _echo === undefined) return error;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions,
    });
  };
  const cleanResult = <R extends ExecutionResult>(result: R): R =>
    result.errors?.length ? { ...result, errors: result.errors.map(clean) } : result;
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(cleanResult));
      else if (!(Symbol.asyncIterator in result)) setResult(cleanResult(result));
    },
  };
}
