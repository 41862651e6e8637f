import type { DefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../metrics.js';

/**
 * Operation names come from callers, so each new one would be a new series for ever: the first
 * `maxNames` names get their own label, later ones share `other`.
 */
export const MAX_OPERATION_NAMES = 100;

/**
 * Serves `GET /metrics` (Prometheus text) and counts and times every GraphQL operation.
 * Upstream requests are counted by the transport's `onCall` hook (see app.ts).
 */
export function useMetrics(metrics: Metrics, path = '/metrics', maxNames = MAX_OPERATION_NAMES): Plugin {
  const names = new Set<string>();
  const labelFor = (name: string): string => {
    if (names.has(name)) return name;
    if (names.size >= maxNames) return 'other';
    names.add(name);
    return name;
  };
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response('Method Not Allowed', { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      endResponse(
        new fetchAPI.Response(metrics.render(), {
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        }),
      );
    },
    onExecute({ args }) {
      const started = performance.now();
      const operation = args.document.definitions.find(
        (d: DefinitionNode) => d.kind === 'OperationDefinition' && (!args.operationName || d.name?.value === args.operationName),
      );
      const labels = {
        type: operation && 'operation' in operation ? operation.operation : 'unknown',
        name: labelFor(operation && 'name' in operation && operation.name ? operation.name.value : 'anonymous'),
      };
      return {
        onExecuteDone({ result }) {
          const failed = 'errors' in result && Array.isArray(result.errors) && result.errors.length > 0;
          metrics.operations.inc({ ...labels, outcome: failed ? 'error' : 'ok' });
          metrics.operationDuration.observe(labels, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
