import { getOperationAST, Kind, type DocumentNode, type GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { RequestContext } from '../context.js';
import type { Metrics } from '../metrics.js';
import { LIMIT_ERROR_CODE } from './use-operation-limits.js';
import { describeOperation } from './operation-name.js';
import { errorsByResult } from './result-errors.js';

/**
 * Operation names come from callers, so each new one would be a new series for ever: the first
 * MAX_OPERATION_NAMES names (cut to MAX_OPERATION_NAME_CHARS) get their own label, later ones share `other`.
 */
const MAX_OPERATION_NAMES = 100;
const METRICS_PATH = '/metrics';

/** The limits an operation may be refused by (QUERY_TOO_EXPENSIVE), as the refusal names them. */
const LIMITS = new Set(['MAX_TOKENS', 'MAX_DEPTH', 'MAX_ALIASES', 'MAX_DIRECTIVES', 'MAX_OPERATION_CALLS', 'MAX_RESPONSE_RECORDS']);

/**
 * Serves `GET /metrics` (Prometheus text) and counts what passes through yoga: every GraphQL
 * operation (count, time, REST calls; the planner's estimate against the calls made), every
 * refusal by an operation limit, and subscriptions (open now, results sent). Registered before
 * the planner, so that operations it refuses are counted too. Upstream requests, the budget and
 * the feeds are counted by their own hooks (src/observe.ts). A scrape that fails answers a plain
 * 500 naming no internals; the cause goes to the log.
 */
export function useMetrics(metrics: Metrics, options: { onScrapeError?: (error: unknown) => void } = {}): Plugin {
  const names = new Set<string>();
  const labelFor = (name: string): string => {
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return 'other';
    names.add(name);
    return name;
  };
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH) return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response('Method Not Allowed', { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      try {
        endResponse(new fetchAPI.Response(await metrics.render(), { headers: { 'content-type': metrics.contentType } }));
      } catch (error) {
        options.onScrapeError?.(error);
        endResponse(new fetchAPI.Response('Metrics are unavailable.\n', { status: 500, headers: { 'content-type': 'text/plain' } }));
      }
    },
    onExecute({ args }) {
      const started = performance.now();
      const { type, name } = describeOperation(args.document, args.operationName);
      const labels = { name: labelFor(name), type };
      const context = args.contextValue as Partial<RequestContext>;
      const callsBefore = context.upstream?.calls ?? 0;
      return {
        onExecuteDone({ result }) {
          const failed = 'errors' in result && Array.isArray(result.errors) && result.errors.length > 0;
          metrics.operations.inc({ name: labels.name, outcome: failed ? 'error' : 'ok', type });
          metrics.operationDuration.observe(labels, (performance.now() - started) / 1000);
          if (isAsyncIterable(result) || !context.upstream) return;
          const calls = context.upstream.calls - callsBefore;
          metrics.operationCalls.observe({ type }, calls);
          const estimated = context.planning?.plan?.estimate.calls;
          if (estimated === undefined) return;
          metrics.plannerEstimatedCalls.inc(estimated);
          metrics.plannerCalls.inc(calls);
          if (calls > estimated) metrics.plannerExceeded.inc();
        },
      };
    },
    onSubscribe({ args }) {
      const field = subscriptionField(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          // A subscription that could not start is one error result, not a stream.
          if (!isAsyncIterable(result)) return;
          metrics.subscriptions.inc({ field });
          let open = true;
          return {
            onNext: () => void metrics.subscriptionEvents.inc({ field }),
            onEnd: () => {
              if (open) metrics.subscriptions.dec({ field });
              open = false;
            },
          };
        },
      };
    },
    // Every HTTP answer, refusals before parsing and validation included (which never reach onExecute).
    onResultProcess({ result }) {
      for (const errors of errorsByResult(result)) {
        const limit = refusedBy(errors);
        if (limit) metrics.refused.inc({ limit });
      }
    },
  };
}

/** The root field of a subscription (validated: a field of the schema's Subscription type, so a bounded label). */
function subscriptionField(document: DocumentNode, operationName?: string | null): string {
  const selection = getOperationAST(document, operationName ?? undefined)?.selectionSet.selections[0];
  return selection?.kind === Kind.FIELD ? selection.name.value : 'unknown';
}

/** The limit a refused operation passed: armor's limits name it, the planner's refusals carry its bound. */
function refusedBy(errors: readonly GraphQLError[]): string | undefined {
  for (const error of errors) {
    const extensions = error.extensions ?? {};
    if (extensions.code !== LIMIT_ERROR_CODE) continue;
    if (typeof extensions.limit === 'string') return LIMITS.has(extensions.limit) ? extensions.limit : 'other';
    if ('maxOperationCalls' in extensions) return 'MAX_OPERATION_CALLS';
    if ('maxResponseRecords' in extensions) return 'MAX_RESPONSE_RECORDS';
    return 'other';
  }
  return undefined;
}
