import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { RequestContext, UpstreamUsage } from '../context.js';
import { requestScope } from '../logging.js';
import { describeOperation } from './operation-name.js';
import { errorsByResult } from './result-errors.js';

/** What one request did, gathered as it goes, for its log line. */
interface Outcome {
  operation?: { type: string; name: string };
  upstream?: UpstreamUsage;
  codes: Set<string>;
}

/**
 * One JSON line per GraphQL request: its id (`x-request-id`, echoed in the response), status,
 * time, operation type and name (cut to size), REST calls made and error codes. The request's
 * `Authorization` header is logged `[redacted]` (see createLogger): whether one was sent helps,
 * its value never. Other routes (/health, /ready, /metrics, the GraphiQL page) log at debug.
 */
export function useRequestLog(log: Logger, graphqlPath: string): Plugin {
  const outcomes = new WeakMap<Request, Outcome>();
  const outcomeOf = (request: Request): Outcome => {
    let outcome = outcomes.get(request);
    if (!outcome) outcomes.set(request, (outcome = { codes: new Set() }));
    return outcome;
  };
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (!request) return;
      const outcome = outcomeOf(request);
      outcome.operation = describeOperation(args.document, args.operationName);
      outcome.upstream = (args.contextValue as Partial<RequestContext>).upstream;
    },
    onResultProcess({ request, result }) {
      const codes = outcomeOf(request).codes;
      for (const error of errorsByResult(result).flat()) codes.add(String(error.extensions?.code ?? 'UNKNOWN'));
    },
    onResponse({ request, response }) {
      const scope = requestScope.getStore();
      if (scope) {
        try {
          response.headers.set('x-request-id', scope.id);
        } catch {
          // immutable headers (an error response built by the runtime): the log still has the id
        }
      }
      const url = new URL(request.url, 'http://localhost');
      const outcome = outcomes.get(request);
      const graphql = url.pathname === graphqlPath && (outcome !== undefined || request.method === 'POST');
      const line = {
        req: {
          method: request.method,
          path: url.pathname,
          headers: {
            authorization: request.headers.get('authorization') ?? undefined,
            'user-agent': request.headers.get('user-agent') ?? undefined,
            origin: request.headers.get('origin') ?? undefined,
          },
        },
        status: response.status,
        ms: scope ? Math.round((performance.now() - scope.started) * 10) / 10 : undefined,
        operation: outcome?.operation?.name,
        type: outcome?.operation?.type,
        upstreamCalls: outcome?.upstream?.calls,
        errors: outcome && outcome.codes.size > 0 ? [...outcome.codes] : undefined,
      };
      if (graphql) log.info(line, 'graphql request');
      else log.debug(line, 'request');
    },
  };
}
