import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from '../context.js';

/**
 * Adds `extensions.upstream { calls, ms }` to each result: how many REST calls the operation
 * made to Twenty and how long they took, summed. The first performance figure, made visible.
 */
export function useUpstreamDebug(): Plugin<RequestContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as RequestContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (!context.upstream || Symbol.asyncIterator in result) return;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              upstream: { calls: context.upstream.calls, ms: Math.round(context.upstream.ms * 10) / 10 },
            },
          });
        },
      };
    },
  };
}
