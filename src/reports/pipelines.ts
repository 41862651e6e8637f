/**
 * The opportunity reports: the pipeline (of the workspace, or of each parent under a list) and
 * the forecast by close period. Each is one grouped query, by stage and currency, so one groupBy
 * call when cold (plus the workspace's stages from the metadata cache), none when cached.
 */
import { BadUserInputError } from '../errors.js';
import { chunkKeys } from '../twenty/paging.js';
import { buildFilter } from '../twenty/filter.js';
import { isUuid } from '../twenty/filter-values.js';
import { countPeriods, dayStart, nextPeriod, periodStarts, type Granularity } from './dates.js';
import { cachedRows, fetchRows, reportFilter, type ReportContext } from './fetch.js';
import type { Domain, GroupQuery, GroupRow } from './group-query.js';
import { moneyList } from './money.js';
import { REPORT_OBJECTS } from './objects.js';
import { optionDomain, optionsOf } from './options.js';
import { pipelineOf, stageModel, stageSums, type PipelineStageValue, type PipelineValue, type StageModel, type StageProbabilityInput } from './pipeline.js';
import type { CompositeValue } from '../resolvers/composite.js';
import type { Loaders } from '../context.js';

const OPPORTUNITIES = REPORT_OBJECTS.opportunities;
const STAGE = { path: 'stage' };

/** The most periods one forecast lists. */
const MAX_FORECAST_PERIODS = 1_000;
/** Parent ids per groupBy call: 200 UUIDs fill the URL budget of paging.ts (~8 KB). */
const KEYS_PER_CALL = 200;

const stageDomains = (ctx: ReportContext) => async (): Promise<Domain[]> => {
  const domain = await optionDomain(ctx, OPPORTUNITIES, 'stage');
  return domain ? [domain] : [];
};

const stages = (ctx: ReportContext) => optionsOf(ctx, OPPORTUNITIES, 'stage');

export async function pipelineReport(
  ctx: ReportContext,
  args: { filter?: unknown; probabilities?: readonly StageProbabilityInput[] | null },
): Promise<PipelineValue> {
  const query: GroupQuery = {
    object: OPPORTUNITIES,
    dimensions: [STAGE],
    filter: reportFilter(OPPORTUNITIES, args.filter),
    filterKey: JSON.stringify(args.filter ?? null),
    domains: stageDomains(ctx),
  };
  const [rows, options] = await Promise.all([cachedRows(ctx, query), stages(ctx)]);
  return pipelineOfRows(rows, stageModel(options, ctx.reports.pipeline, args.probabilities ?? []));
}

/** The pipeline of rows keyed by (stage, currency). */
function pipelineOfRows(rows: GroupRow[], model: StageModel): PipelineValue {
  const { won: _won, ...pipeline } = pipelineOf(stageSums(rows, 0, 1, model), model);
  return pipeline;
}

/** What `Forecast` and `ForecastPeriod` resolve from. */
export interface ForecastPeriodValue {
  start: string;
  end: string;
  count: number;
  totals: CompositeValue[];
  weightedTotals: CompositeValue[];
  won: CompositeValue[];
  stages: PipelineStageValue[];
}
export interface ForecastValue {
  periods: ForecastPeriodValue[];
}

export async function forecastReport(
  ctx: ReportContext,
  args: { from: string; to: string; granularity?: Granularity | null; filter?: unknown },
): Promise<ForecastValue> {
  const granularity = args.granularity ?? 'MONTH';
  if (args.from >= args.to) throw new BadUserInputError(`"from" (${args.from}) must be before "to" (${args.to}).`, { argument: 'from' });
  if (countPeriods(args.from, args.to, granularity, MAX_FORECAST_PERIODS) > MAX_FORECAST_PERIODS) {
    throw new BadUserInputError(`A forecast lists at most ${MAX_FORECAST_PERIODS} periods: use a larger granularity or a shorter range.`, {
      argument: 'granularity',
    });
  }
  const starts = periodStarts(args.from, args.to, granularity);
  const query: GroupQuery = {
    object: OPPORTUNITIES,
    dimensions: [{ path: 'closeDate', granularity }, STAGE],
    filter: reportFilter(OPPORTUNITIES, args.filter, { closeDate: { gte: dayStart(args.from), lt: dayStart(args.to) } }),
    filterKey: JSON.stringify([args.filter ?? null, args.from, args.to]),
    domains: async () => [periodDomain(starts, granularity), ...(await stageDomains(ctx)())],
  };
  const [rows, options] = await Promise.all([cachedRows(ctx, query), stages(ctx)]);
  const model = stageModel(options, ctx.reports.pipeline);
  const byPeriod = new Map<string, GroupRow[]>(starts.map((start) => [start, []]));
  for (const row of rows) byPeriod.get(row.key[0] ?? '')?.push(row);
  return {
    periods: starts.map((start) => {
      const { stages: periodStages, count, totals, weightedTotals, won } = pipelineOf(
        stageSums(byPeriod.get(start)!, 1, 2, model),
        model,
        (stage) => !model.won.has(stage),
      );
      const end = nextPeriod(start, granularity);
      return {
        start: start < args.from ? args.from : start,
        end: end > args.to ? args.to : end,
        count,
        totals,
        weightedTotals,
        won: moneyList(won),
        stages: periodStages,
      };
    }),
  };
}

/** Cuts a forecast by its periods (§7 answers at most 200 groups: periods × stages × currencies). */
function periodDomain(starts: string[], granularity: Granularity): Domain {
  return {
    items: starts,
    filterFor(items, whole) {
      if (whole) return undefined;
      const from = dayStart(items[0]);
      const to = dayStart(nextPeriod(items[items.length - 1], granularity));
      // The forecast's own filter (deleted deals excluded) is ANDed with this part's by fetch.ts.
      return buildFilter({ closeDate: { gte: from, lt: to } }, OPPORTUNITIES.filterFields).filter;
    },
  };
}

/** The opportunity foreign keys a pipeline hangs off: a company, its point of contact, its owner. */
export type PipelineParentKey = 'companyId' | 'pointOfContactId' | 'ownerId';

/**
 * The pipeline of one parent. Under a list of parents, the loader gathers the page into one
 * query grouped by the foreign key (`companyId[in]:[…]`), so the page costs one groupBy call;
 * each parent's rows are cached on their own.
 */
export async function parentPipeline(
  ctx: ReportContext & { loaders: Loaders },
  key: PipelineParentKey,
  parentId: string,
  filter: unknown,
): Promise<PipelineValue> {
  const filterKey = JSON.stringify(filter ?? null);
  const loader = ctx.loaders.reportGroups<GroupRow[]>(`opportunities\u0000pipeline\u0000${key}\u0000${filterKey}`, (ids) =>
    parentRows(ctx, key, filter, filterKey, ids),
  );
  const [rows, options] = await Promise.all([loader.load(parentId), stages(ctx)]);
  return pipelineOfRows(rows, stageModel(options, ctx.reports.pipeline));
}

async function parentRows(
  ctx: ReportContext,
  key: PipelineParentKey,
  filter: unknown,
  filterKey: string,
  ids: readonly string[],
): Promise<Array<GroupRow[] | Error>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  const cacheKey = (id: string) => JSON.stringify(['pipeline', key, filterKey, id]);
  const idOfKey = new Map(wanted.map((id) => [cacheKey(id), id]));
  try {
    const cached = await ctx.reports.cache.getMany(ctx.tokenKey, OPPORTUNITIES.plural, [...idOfKey.keys()], async (missing) => {
      const missingIds = missing.map((k) => idOfKey.get(k)!);
      const byParent = new Map<string, GroupRow[]>(missingIds.map((id) => [id, []]));
      const chunks = await Promise.all(chunkKeys(missingIds, KEYS_PER_CALL).map((chunk) => fetchRows(ctx, parentQuery(ctx, key, filter, filterKey, chunk))));
      for (const row of chunks.flat()) byParent.get(row.key[0] ?? '')?.push({ ...row, key: row.key.slice(1) });
      return new Map([...byParent].map(([id, rows]) => [cacheKey(id), rows]));
    });
    return ids.map((id) => (isUuid(id) ? cached.get(cacheKey(id.toLowerCase())) ?? [] : []));
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return ids.map(() => failure);
  }
}

function parentQuery(ctx: ReportContext, key: PipelineParentKey, filter: unknown, filterKey: string, ids: string[]): GroupQuery {
  return {
    object: OPPORTUNITIES,
    dimensions: [{ path: key }, STAGE],
    filter: reportFilter(OPPORTUNITIES, filter),
    filterKey,
    keys: { field: key, values: ids },
    domains: stageDomains(ctx),
  };
}
