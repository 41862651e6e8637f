/**
 * Reports as live queries (src/feeds/live-query.ts): `pipelineUpdated` sends the pipeline at once,
 * then again whenever a change of the key's opportunities, seen on their feed, changes it. The
 * subscribers of one key and filter share each run; a run first drops the key's cached
 * opportunity reports, since the changes a feed sees were made elsewhere (Twenty's app, other
 * clients), where the BFF's write-invalidation cannot see them.
 */
import { beginFreshExecution, liveQuery, type LiveDelivery } from '../feeds/live-query.js';
import { canonical } from '../feeds/events.js';
import type { RequestContext } from '../context.js';
import type { ObjectPlural } from '../twenty/types.js';
import { reportFilter } from './fetch.js';
import { REPORT_OBJECTS } from './objects.js';
import type { PipelineValue } from './pipeline.js';
import { pipelineReport } from './pipelines.js';

/** The stream of `pipelineUpdated(filter)`; rejects (the subscription's one error) when it cannot start. */
export function livePipeline(ctx: RequestContext, filter: unknown): Promise<AsyncIterable<LiveDelivery<PipelineValue>>> {
  // A filter Twenty cannot take is refused now, before any feed starts for it.
  reportFilter(REPORT_OBJECTS.opportunities, filter);
  const { cache } = ctx.reports;
  return liveQuery({
    connection: ctx,
    objects: ['opportunities'],
    // Equal filters share one run however their fields were ordered.
    key: canonical(['pipeline', filter ?? null]),
    run: (scope) => pipelineReport(scope, { filter }),
    invalidate: async (objects: ObjectPlural[]) => {
      await Promise.all(objects.map((object) => cache.wrote(ctx.tokenKey, object)));
    },
  });
}

/** A live report's value for the field's resolver: a failure ends the subscription with its error. */
export function liveValue<T>(delivery: LiveDelivery<T>, ctx: RequestContext): T {
  if ('failure' in delivery) throw delivery.failure;
  // Each value is a new execution: loaders made for it, a client not bound to the opening request.
  beginFreshExecution(ctx);
  return delivery.value;
}
