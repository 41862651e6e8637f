/**
 * The app's observers: what the transport, the budget, the feeds and the reports report through
 * their hooks becomes metrics (src/metrics.ts) and log lines (pino). Logs say what an operator
 * must act on, once per episode: a failure that lasts (Redis gone, a feed that cannot poll) is one
 * line when it starts and one when it ends, with how long it lasted, never a line per retry or
 * per poll.
 */
import type { Logger } from 'pino';
import { RateLimitedError, UpstreamError } from './errors.js';
import type { FeedObserver, RedisConnectionEvent } from './feeds/index.js';
import type { Metrics } from './metrics.js';
import type { TransportOptions } from './twenty/client.js';

/**
 * The transport's hooks: every attempt, the budget, 429s and coalesced GETs counted; each upstream
 * failure logged once. `reported` holds the failures already logged, shared with the error logger
 * (createErrorLogger) so that the fields a failure cost do not log it again.
 */
export function observeTransport(
  metrics: Metrics,
  logger: Logger,
  reported: WeakSet<object>,
): Pick<TransportOptions, 'onCall' | 'onFailure' | 'onAdmit' | 'onRefuse' | 'onRateLimited' | 'onCoalesce'> {
  return {
    onCall({ method, object, status, ms }) {
      metrics.upstreamRequests.inc({ method, object, status: String(status) });
      metrics.upstreamDuration.observe({ method, object }, ms / 1000);
    },
    onFailure({ priority, method, object, attempts, error }) {
      // The caller's own mistakes (400, 404) are not upstream failures; a feed's are logged once
      // per episode by the feed (observeFeeds), not once per poll.
      if (!(error instanceof UpstreamError || error instanceof RateLimitedError) || reported.has(error) || priority === 'feed') return;
      reported.add(error);
      logger.warn({ upstream: { method, object, attempts: attempts.length, statuses: attempts, code: error.code, ...error.details } }, `upstream failure: ${error.message}`);
    },
    onAdmit({ priority, waitedMs }) {
      metrics.budgetAdmitted.inc({ priority });
      metrics.budgetWait.observe({ priority }, waitedMs / 1000);
    },
    onRefuse({ priority }) {
      metrics.budgetRefused.inc({ priority });
    },
    onRateLimited({ pauseMs, newPause }) {
      metrics.upstreamRateLimited.inc();
      if (newPause) metrics.budgetPause.observe(pauseMs / 1000);
    },
    onCoalesce({ object }) {
      metrics.coalesced.inc({ object });
    },
  };
}

/** The Redis budget store's fallback (`onFallback`): a warning when it starts, a line with its length when Redis is back. */
export function observeBudgetRedis(metrics: Metrics, logger: Logger): (error: Error | undefined) => void {
  let since: number | undefined;
  return (error) => {
    if (error) {
      since = Date.now();
      metrics.budgetFallback.set(1);
      logger.warn({ err: error, redis: { use: 'budget' } }, 'Redis unavailable: the outbound budget is per instance until it is back.');
      return;
    }
    const downMs = since === undefined ? undefined : Date.now() - since;
    since = undefined;
    metrics.budgetFallback.set(0);
    logger.info({ redis: { use: 'budget', downMs } }, `Redis is back: the outbound budget is shared again${downMs === undefined ? '' : ` after ${seconds(downMs)}`}.`);
  };
}

/** The feeds' observer (polls, their failure episodes, webhooks) and the log of their Redis connections. */
export function observeFeeds(metrics: Metrics, logger: Logger): { observer: FeedObserver; onRedis: (event: RedisConnectionEvent) => void } {
  return {
    observer: {
      onPoll({ object, outcome, baseline, calls, events, ms }) {
        metrics.feedPolls.inc({ object, type: baseline ? 'baseline' : 'changes', outcome });
        metrics.feedPollDuration.observe({ object }, ms / 1000);
        if (calls > 0) metrics.feedPollRequests.inc({ object }, calls);
        for (const event of events) metrics.feedEvents.inc({ object, kind: event.kind });
      },
      onFailing({ object, key, error }) {
        logger.warn({ err: error, feed: { object, key } }, `Live feed of ${object} failing: ${messageOf(error)} (retrying, at longer intervals while it fails).`);
      },
      onRecovered({ object, key, error, failures, ms, stopped }) {
        const what = stopped ? 'stopped (no subscriber left) while failing' : 'works again';
        logger.info(
          { feed: { object, key, failures, downMs: ms, firstError: messageOf(error) } },
          `Live feed of ${object} ${what}, after ${failures} failed attempt${failures === 1 ? '' : 's'} over ${seconds(ms)}.`,
        );
      },
      onWebhook({ accepted, reason }) {
        metrics.webhooks.inc({ result: accepted ? 'accepted' : 'refused', reason });
      },
    },
    onRedis(event) {
      if (!event.up) {
        logger.warn({ err: event.error, redis: { use: 'feeds', connection: event.connection } }, `Redis unavailable for live feeds (${event.connection} connection); reconnecting.`);
      } else {
        logger.info({ redis: { use: 'feeds', connection: event.connection, downMs: event.downMs } }, `Redis is back for live feeds (${event.connection} connection) after ${seconds(event.downMs)}.`);
      }
    },
  };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
