import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; from 5 ms (a loopback call) to 10 s (the default upstream timeout). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The BFF's metrics on prom-client, one registry per app (tests run several apps in one
 * process). Besides the BFF's own series, the registry carries prom-client's process and Node.js
 * metrics: CPU, memory, heap, handles, GC and event-loop lag (`nodejs_eventloop_lag_*`).
 * Label values come from bounded sets only: the operation names are cut and capped by useMetrics.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly upstreamRequests = new Counter({
    name: 'twenty_bff_upstream_requests_total',
    help: 'HTTP requests sent to Twenty, by method, object and status.',
    labelNames: ['method', 'object', 'status'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'twenty_bff_upstream_request_duration_seconds',
    help: 'Duration of HTTP requests sent to Twenty.',
    labelNames: ['method', 'object'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'twenty_bff_graphql_operations_total',
    help: 'GraphQL operations executed, by type, name and outcome (ok or error).',
    labelNames: ['name', 'outcome', 'type'] as const,
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'twenty_bff_graphql_operation_duration_seconds',
    help: 'Duration of GraphQL operations, from parse to response.',
    labelNames: ['name', 'type'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
