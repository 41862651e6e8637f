import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FEED_OBJECTS } from './feeds/events.js';
import type { FeedStats } from './feeds/hub.js';
import type { BudgetStats } from './twenty/budget/budget.js';
import { CALL_PRIORITIES } from './twenty/scope.js';

/** Seconds; from 5 ms (a loopback call) to 10 s (the default upstream timeout). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds a call waits for the budget: most wait nothing, a burst waits up to RATE_LIMIT_MAX_WAIT_MS (10 s by default). */
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds of a pause after a 429: Retry-After is whole seconds, backoff starts at one and doubles to 60. */
const PAUSE_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60];
/** REST calls per operation: the planner keeps most at a handful; MAX_OPERATION_CALLS is 50 by default. */
const CALL_BUCKETS = [0, 1, 2, 3, 5, 10, 20, 50, 100];

/** What the gauges read at scrape time: the app's feeds and its transport's budget. */
export interface MetricSources {
  feeds?: () => FeedStats[];
  budget?: () => BudgetStats;
}

/**
 * The BFF's metrics on prom-client, one registry per app (tests run several apps in one
 * process). Besides the BFF's own series, the registry carries prom-client's process and Node.js
 * metrics: CPU, memory, heap, handles, GC and event-loop lag (`nodejs_eventloop_lag_*`).
 *
 * Every label value comes from a small fixed set (methods, objects, statuses, priorities, the
 * schema's subscription fields, the limits' names, outcomes) or is cut and capped (operation
 * names, by useMetrics); no label ever holds an API key, its hash, an id or a filter. The series
 * are fed by hooks (src/observe.ts) and, for gauges, read from `sources` at scrape time.
 */
export class Metrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};

  // Upstream: every HTTP attempt to Twenty.
  readonly upstreamRequests = this.counter('twenty_bff_upstream_requests_total', 'HTTP requests sent to Twenty, by method, object and status.', ['method', 'object', 'status']);
  readonly upstreamDuration = this.histogram('twenty_bff_upstream_request_duration_seconds', 'Duration of HTTP requests sent to Twenty.', ['method', 'object'], BUCKETS);
  readonly coalesced = this.counter(
    'twenty_bff_upstream_coalesced_total',
    'GETs not sent because an identical GET of the same key was in flight and answered them too (calls saved).',
    ['object'],
  );
  readonly upstreamRateLimited = this.counter(
    'twenty_bff_upstream_rate_limited_total',
    "429 answers from Twenty: other clients share the workspace's limit (each pauses the key; the call is sent again).",
    [],
  );

  // The outbound budget (src/twenty/budget/).
  readonly budgetAdmitted = this.counter('twenty_bff_budget_admitted_total', 'Calls admitted by the outbound budget, by priority (retries included).', ['priority']);
  readonly budgetWait = this.histogram('twenty_bff_budget_wait_seconds', 'Time a call waited in its key’s queue before the budget admitted it, by priority.', ['priority'], WAIT_BUCKETS);
  readonly budgetRefused = this.counter('twenty_bff_budget_refused_total', 'Calls refused RATE_LIMITED by the budget (their wait would pass RATE_LIMIT_MAX_WAIT_MS or the deadline), by priority.', ['priority']);
  readonly budgetPause = this.histogram('twenty_bff_budget_pause_seconds', 'Pauses of a key after a 429 from Twenty: how long each was set to last.', [], PAUSE_BUCKETS);
  readonly budgetFallback = this.gauge('twenty_bff_budget_redis_fallback', '1 while Redis fails and the budget is this instance’s own (REDIS_URL set), else 0.', []);

  // GraphQL operations.
  readonly operations = this.counter('twenty_bff_graphql_operations_total', 'GraphQL operations executed, by type, name and outcome (ok or error).', ['name', 'outcome', 'type']);
  readonly operationDuration = this.histogram('twenty_bff_graphql_operation_duration_seconds', 'Duration of GraphQL operations, from parse to response.', ['name', 'type'], BUCKETS);
  readonly operationCalls = this.histogram('twenty_bff_graphql_operation_upstream_calls', 'REST calls (HTTP attempts) one query or mutation made.', ['type'], CALL_BUCKETS);
  readonly refused = this.counter(
    'twenty_bff_graphql_refused_total',
    'Operations refused QUERY_TOO_EXPENSIVE before any REST call, by the limit they passed.',
    ['limit'],
  );
  readonly plannerEstimatedCalls = this.counter('twenty_bff_planner_estimated_calls_total', 'REST calls the planner estimated for the operations it planned and ran.', []);
  readonly plannerCalls = this.counter('twenty_bff_planner_calls_total', 'REST calls those same operations made.', []);
  readonly plannerExceeded = this.counter('twenty_bff_planner_estimate_exceeded_total', 'Planned operations that made more REST calls than estimated.', []);

  // Reports.
  readonly reportCache = this.counter('twenty_bff_report_cache_lookups_total', 'Report cache lookups, by result (hit or miss).', ['result']);

  // Live feeds and subscriptions.
  readonly subscriptions = this.gauge('twenty_bff_subscriptions', 'GraphQL subscriptions open now, by root field.', ['field']);
  readonly subscriptionEvents = this.counter('twenty_bff_subscription_events_total', 'Results sent to subscribers, by root field.', ['field']);
  readonly feedPolls = this.counter(
    'twenty_bff_feed_polls_total',
    'Polls this instance made, by object, type (baseline: the first read of every row; changes) and outcome.',
    ['object', 'type', 'outcome'],
  );
  readonly feedPollDuration = this.histogram('twenty_bff_feed_poll_duration_seconds', 'Duration of a poll, its REST calls and commit included.', ['object'], BUCKETS);
  readonly feedPollRequests = this.counter('twenty_bff_feed_poll_requests_total', 'HTTP requests to Twenty made by polls, by object.', ['object']);
  readonly feedEvents = this.counter('twenty_bff_feed_events_total', 'Changes found and published by this instance’s polls, by object and kind.', ['object', 'kind']);
  readonly webhooks = this.counter(
    'twenty_bff_webhook_deliveries_total',
    'Deliveries to POST /webhooks/twenty, by result (accepted, refused) and reason.',
    ['result', 'reason'],
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const feeds = (help: string, name: string, count: (stats: FeedStats) => number) =>
      this.gauge(name, help, ['object'], (gauge) => {
        const byObject = new Map<string, number>(FEED_OBJECTS.map((object) => [object, 0]));
        for (const stats of this.sources.feeds?.() ?? []) byObject.set(stats.object, (byObject.get(stats.object) ?? 0) + count(stats));
        for (const [object, value] of byObject) gauge.set({ object }, value);
      });
    feeds('Live feeds open on this instance (one per API key and object).', 'twenty_bff_feeds', () => 1);
    feeds('Feeds this instance polls (it holds their lease).', 'twenty_bff_feed_pollers', (stats) => (stats.polling ? 1 : 0));
    feeds('Members of the feeds on this instance: subscriptions and live queries.', 'twenty_bff_feed_members', (stats) => stats.members);
    feeds('Feeds whose polls (or lease and state in Redis) are failing now.', 'twenty_bff_feeds_failing', (stats) => (stats.failing ? 1 : 0));
    this.gauge('twenty_bff_budget_waiting_calls', 'Calls waiting in the budget’s queues now, by priority.', ['priority'], (gauge) => {
      const stats = this.sources.budget?.();
      for (const priority of CALL_PRIORITIES) gauge.set({ priority }, stats?.waiting[priority] ?? 0);
    });
    this.gauge('twenty_bff_budget_in_flight_calls', 'Calls to Twenty admitted and not yet answered.', [], (gauge) => gauge.set(this.sources.budget?.().inFlight ?? 0));
    this.gauge('twenty_bff_budget_paused_keys', 'API keys paused now after a 429 from Twenty.', [], (gauge) => gauge.set(this.sources.budget?.().pausedKeys ?? 0));
    this.budgetFallback.set(0);
  }

  /** Where the gauges read the app's state at scrape time. */
  watch(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** With `read`, the gauge is set at scrape time (its old series dropped first). */
  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read?: (gauge: Gauge<L>) => void): Gauge<L> {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(read
        ? {
            collect(this: Gauge<L>) {
              this.reset();
              read(this);
            },
          }
        : {}),
    });
  }
}
