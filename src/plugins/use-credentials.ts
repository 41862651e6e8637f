import type { Plugin } from 'graphql-yoga';
import { tokenFrom } from '../context.js';

/**
 * Checks the request's credential before its body is read or parsed (yoga runs `onRequestParse`
 * before the parser): a request without a usable key costs no parsing, no parse-cache entry and
 * no REST call. The context reads the same key again with the same rules.
 */
export function useCredentials(fallbackKey: string | undefined, trustedOrigins: readonly string[]): Plugin {
  return {
    onRequestParse({ request }) {
      tokenFrom(request, fallbackKey, trustedOrigins);
    },
  };
}
