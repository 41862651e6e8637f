import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { RequestContext } from '../context.js';
import { QueryTooExpensiveError, toGraphQLError } from '../errors.js';
import { DECISIONS } from '../planner/decisions.js';
import { planOperation, type OperationPlan } from '../planner/plan.js';
import { roundTrips } from '../planner/round-trips.js';
import { getObjectMetadata, hasFreshMetadata } from '../workspace/metadata.js';

export interface PlannerPluginOptions {
  planner: Config['planner'];
  maxOperationCalls: number;
  maxResponseRecords: number;
  /** Add `extensions.cost` to every response (DEBUG_UPSTREAM). */
  debug: boolean;
}

/**
 * Plans each query and mutation before its first REST call (src/planner/), refuses one whose
 * estimate is above MAX_OPERATION_CALLS or whose response may hold more than
 * MAX_RESPONSE_RECORDS records (QUERY_TOO_EXPENSIVE, with the estimate), and with DEBUG_UPSTREAM
 * adds `extensions.cost { estimatedCalls, calls, roundTrips, … }`.
 */
export function usePlanner(options: PlannerPluginOptions): Plugin<RequestContext> {
  const decisions = new Set(options.planner.enabled ? DECISIONS.filter((d) => !options.planner.disabled.includes(d)) : []);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as RequestContext;
      const plan = planOperation(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown>, {
        pageLimit: await ctx.client.pageLimit(),
        decisions,
        metadataCached: hasFreshMetadata(ctx),
      });
      if (!plan) return;
      const refusal = refusalOf(plan, options);
      if (refusal) {
        const extensions = options.debug ? { cost: costOf(plan, ctx) } : undefined;
        setResultAndStopExecution({ errors: [toGraphQLError(refusal)], ...(extensions ? { extensions } : {}) });
        return;
      }
      ctx.planning.plan = plan;
      // The metadata read a resolver would wait for starts with the operation, in its first round.
      if (plan.needsMetadata && plan.has('prefetch')) getObjectMetadata(ctx).catch(() => undefined);
      if (!options.debug) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, cost: costOf(plan, ctx) } });
        },
      };
    },
  };
}

function refusalOf(plan: OperationPlan, options: PlannerPluginOptions): QueryTooExpensiveError | undefined {
  const { calls, roundTrips: trips, records } = plan.estimate;
  const details = { estimatedCalls: calls, estimatedRoundTrips: trips, estimatedRecords: records };
  if (calls > options.maxOperationCalls) {
    return new QueryTooExpensiveError(
      `This operation would make about ${calls} REST calls to Twenty, more than the ${options.maxOperationCalls} one operation may ` +
        `(MAX_OPERATION_CALLS; the workspace has about 100 a minute): ask for fewer records or split it.`,
      { ...details, maxOperationCalls: options.maxOperationCalls },
    );
  }
  if (records > options.maxResponseRecords) {
    return new QueryTooExpensiveError(
      `This operation's response may hold ${records} records, more than ${options.maxResponseRecords} (MAX_RESPONSE_RECORDS): ` +
        `give nested lists a "first" (each defaults to up to 1000 per parent), or query fewer levels.`,
      { ...details, maxResponseRecords: options.maxResponseRecords },
    );
  }
  return undefined;
}

function costOf(plan: OperationPlan, ctx: RequestContext) {
  return {
    estimatedCalls: plan.estimate.calls,
    estimatedRoundTrips: plan.estimate.roundTrips,
    estimatedRecords: plan.estimate.records,
    calls: ctx.upstream.calls,
    roundTrips: roundTrips(ctx.upstream.spans),
  };
}
