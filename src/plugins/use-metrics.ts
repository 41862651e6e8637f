import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../metrics.js';
import { describeOperation } from './operation-name.js';

/**
 * Operation names come from callers, so each new one would be a new series for ever: the first
 * `maxNames` names (cut to MAX_OPERATION_NAME_CHARS) get their own label, later ones share `other`.
 */
export const MAX_OPERATION_NAMES = 100;

/**
 * Serves `GET /metrics` (Prometheus text) and counts and times every GraphQL operation.
 * Upstream requests are counted by the transport's `onCall` hook (see app.ts). A scrape that
 * fails answers a plain 500 naming no internals; the cause goes to the log.
 */
export function useMetrics(
  metrics: Metrics,
  options: { path?: string; maxNames?: number; onScrapeError?: (error: unknown) => void } = {},
): Plugin {
  const { path = '/metrics', maxNames = MAX_OPERATION_NAMES } = options;
  const names = new Set<string>();
  const labelFor = (name: string): string => {
    if (names.has(name)) return name;
    if (names.size >= maxNames) return 'other';
    names.add(name);
    return name;
  };
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
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
      return {
        onExecuteDone({ result }) {
          const failed = 'errors' in result && Array.isArray(result.errors) && result.errors.length > 0;
          metrics.operations.inc({ name: labels.name, outcome: failed ? 'error' : 'ok', type });
          metrics.operationDuration.observe(labels, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
