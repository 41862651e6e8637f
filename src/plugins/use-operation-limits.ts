import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type DocumentNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';

/**
 * graphql-armor's limits, checked before an operation runs: tokens while parsing (the parser
 * stops at the limit, so a huge document costs no more than `tokens` tokens), depth, aliases and
 * directives as validation rules. The body size is yoga's `maxRequestBodySize` (createApp), checked
 * before the body is read; the credential before either (useCredentials). Armor's own cost limit
 * is off: the planner's estimate of REST calls is the cost that matters here.
 */
export function useOperationLimits(limits: Config['limits']): Plugin {
  return EnvelopArmorPlugin({
    maxTokens: { n: limits.tokens, onReject: [labelParseError('MAX_TOKENS', limits.tokens)] },
    // Fragments count by what they select, not as a level of their own.
    maxDepth: { n: limits.depth, flattenFragments: true, ...asValidationError('MAX_DEPTH', limits.depth) },
    maxAliases: { n: limits.aliases, ...asValidationError('MAX_ALIASES', limits.aliases) },
    maxDirectives: { n: limits.directives, ...asValidationError('MAX_DIRECTIVES', limits.directives) },
    costLimit: { enabled: false },
    // Suggestions are hidden by useSafeErrors, which also covers enum values and variables.
    blockFieldSuggestion: { enabled: false },
  }) as Plugin;
}

/** Error code of every operation limit: the operation is refused before it costs anything. */
export const LIMIT_ERROR_CODE = 'QUERY_TOO_EXPENSIVE';

const limitExtensions = (limit: string, max: number) => ({ code: LIMIT_ERROR_CODE, limit, max });

/** The token limit fires inside the parser, which then throws the error: label it on its way. */
function labelParseError(limit: string, max: number) {
  return (_context: unknown, error: GraphQLError) => void Object.assign(error.extensions, limitExtensions(limit, max));
}

/**
 * Armor throws its validation rejections, which yoga then answers like a crash (HTTP 200, no
 * code); reported instead, they are validation errors (HTTP 400) with the limit's name.
 */
function asValidationError(limit: string, max: number) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        // Armor prefixes every rejection with "Syntax Error:", which this is not.
        const message = error.message.replace(/^Syntax Error: /, '');
        context?.reportError(new GraphQLError(message, { extensions: limitExtensions(limit, max) }));
      },
    ],
  };
}

/**
 * Heap bytes a parsed document holds per character of its source: its AST with locations and
 * tokens (measured on the README's queries: about 67), rounded up.
 */
const HEAP_BYTES_PER_SOURCE_CHAR = 70;

/** The parse cache's budget, in estimated heap bytes (about 1,000 documents of 1 KB). */
const PARSE_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * yoga's parser cache bounded by the memory its documents hold, not by their number: yoga's
 * default (1,024 entries) lets 1,024 distinct large documents fill the heap. A document larger
 * than the whole budget is simply not cached.
 */
export function createParseCache(maxBytes = PARSE_CACHE_BYTES) {
  const size = (source: string) => Math.max(1, source.length * HEAP_BYTES_PER_SOURCE_CHAR);
  return {
    documentCache: new LRUCache<string, DocumentNode>({ maxSize: maxBytes, sizeCalculation: (_doc, source) => size(source) }),
    errorCache: new LRUCache<string, object>({ maxSize: maxBytes / 8, sizeCalculation: (_error, source) => size(source) }),
  };
}
