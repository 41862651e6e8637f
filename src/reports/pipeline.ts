/**
 * The pipeline by stage, from rows keyed by (stage, currency): every stage of the workspace in
 * its order, then any other stage value the deals hold (a deal without a stage is under `""`).
 *
 * Probabilities: the caller's (per query), else PIPELINE_STAGE_PROBABILITIES, else a default from
 * the stage's position: won stages 1, the k-th of the M other stages k/(M+1) (the standard five
 * stages: 0.2, 0.4, 0.6, 0.8 and 1 for CUSTOMER). A value the workspace does not list counts at 0.
 * Won stages: PIPELINE_WON_STAGES, else the last stage by position. Weighted amounts are exact
 * fractions of the micros (0.1 is one tenth), rounded to the micro per stage and currency; a
 * pipeline's weighted total is the sum of its stages'.
 */
import { BadUserInputError } from '../errors.js';
import type { CompositeValue } from '../resolvers/composite.js';
import type { SelectOption } from '../twenty/types.js';
import type { GroupRow } from './group-query.js';
import { addTo, moneyList, toFraction, weigh, type ByCurrency, type Fraction } from './money.js';
import { compareValues } from './order.js';

export interface PipelineSettings {
  /** Stage → probability from 0 to 1 (`PIPELINE_STAGE_PROBABILITIES`). */
  probabilities: Readonly<Record<string, number>>;
  /** Stages whose deals are won (`PIPELINE_WON_STAGES`); empty: the last stage by position. */
  wonStages: readonly string[];
}

export interface StageModel {
  /** The workspace's stages, by position. */
  options: SelectOption[];
  won: ReadonlySet<string>;
  probability(stage: string): Fraction;
}

export interface StageProbabilityInput {
  stage: string;
  probability: number;
}

export function stageModel(options: SelectOption[], settings: PipelineSettings, overrides: readonly StageProbabilityInput[] = []): StageModel {
  const ordered = [...options].sort((a, b) => a.position - b.position);
  const known = new Set(ordered.map((o) => o.value));
  const configuredWon = settings.wonStages.filter((stage) => known.has(stage));
  const won = new Set(configuredWon.length > 0 ? configuredWon : ordered.slice(-1).map((o) => o.value));
  const given = new Map<string, Fraction>();
  for (const [stage, p] of Object.entries(settings.probabilities)) given.set(stage, toFraction(p));
  const seen = new Set<string>();
  for (const { stage, probability } of overrides) {
    if (!known.has(stage)) {
      throw new BadUserInputError(`probabilities: "${stage}" is not a stage of this workspace: ${[...known].join(', ')}.`, {
        field: 'probabilities',
        allowedValues: [...known],
      });
    }
    if (seen.has(stage)) throw new BadUserInputError(`probabilities: "${stage}" is given twice.`, { field: 'probabilities' });
    if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
      throw new BadUserInputError(`probabilities: ${stage} must be from 0 to 1, got ${probability}.`, { field: 'probabilities' });
    }
    seen.add(stage);
    given.set(stage, toFraction(probability));
  }
  const open = ordered.filter((o) => !won.has(o.value));
  const byPosition = new Map<string, Fraction>(open.map((o, i) => [o.value, { numerator: BigInt(i + 1), denominator: BigInt(open.length + 1) }]));
  for (const stage of won) byPosition.set(stage, { numerator: 1n, denominator: 1n });
  const zero: Fraction = { numerator: 0n, denominator: 1n };
  return {
    options: ordered,
    won,
    probability: (stage) => given.get(stage) ?? byPosition.get(stage) ?? zero,
  };
}

/** What `PipelineStage` resolves from. */
export interface PipelineStageValue {
  stage: string;
  info: SelectOption | null;
  count: number;
  totals: CompositeValue[];
  averages: CompositeValue[];
  weightedTotals: CompositeValue[];
  probability: number;
}

/** What `Pipeline` resolves from. */
export interface PipelineValue {
  stages: PipelineStageValue[];
  count: number;
  totals: CompositeValue[];
  weightedTotals: CompositeValue[];
}

interface StageSums {
  count: number;
  totals: ByCurrency;
  averages: ByCurrency;
}

/**
 * Per stage, from rows whose key holds the stage at `stageAt` and the amount's currency at
 * `currencyAt`: every workspace stage in order, then the other values found.
 */
export function stageSums(rows: GroupRow[], stageAt: number, currencyAt: number, model: StageModel): Map<string, StageSums> {
  const stages = new Map<string, StageSums>(model.options.map((o) => [o.value, { count: 0, totals: new Map(), averages: new Map() }]));
  const others = new Map<string, StageSums>();
  for (const row of rows) {
    const stage = row.key[stageAt] ?? '';
    let sums = stages.get(stage) ?? others.get(stage);
    if (!sums) others.set(stage, (sums = { count: 0, totals: new Map(), averages: new Map() }));
    sums.count += row.count;
    const { sum, average } = row.money.amount;
    const currency = row.key[currencyAt];
    if (sum !== null) addTo(sums.totals, currency, sum);
    // One row per stage and currency: its average is the stage's in that currency.
    if (average !== null) sums.averages.set(currency, average);
  }
  const extra = [...others.keys()].sort(compareValues);
  for (const stage of extra) stages.set(stage, others.get(stage)!);
  return stages;
}

const decimal = (p: Fraction): number => Number(p.numerator) / Number(p.denominator);

function weighted(totals: ByCurrency, p: Fraction): ByCurrency {
  return new Map([...totals].map(([currency, micros]) => [currency, weigh(micros, p)]));
}

function addAll(into: ByCurrency, amounts: ByCurrency): void {
  for (const [currency, micros] of amounts) addTo(into, currency, micros);
}

/** The stage list and pipeline totals of `sums`; `weighIn` says which stages count in the weighted total. */
export function pipelineOf(sums: Map<string, StageSums>, model: StageModel, weighIn: (stage: string) => boolean = () => true): PipelineValue & { won: ByCurrency } {
  const stages: PipelineStageValue[] = [];
  const totals: ByCurrency = new Map();
  const weightedTotals: ByCurrency = new Map();
  const won: ByCurrency = new Map();
  let count = 0;
  for (const [stage, s] of sums) {
    const p = model.probability(stage);
    const stageWeighted = weighted(s.totals, p);
    const option = model.options.find((o) => o.value === stage);
    stages.push({
      stage,
      info: option ?? null,
      count: s.count,
      totals: moneyList(s.totals),
      averages: moneyList(s.averages),
      weightedTotals: moneyList(stageWeighted),
      probability: decimal(p),
    });
    count += s.count;
    addAll(totals, s.totals);
    if (weighIn(stage)) addAll(weightedTotals, stageWeighted);
    if (model.won.has(stage)) addAll(won, s.totals);
  }
  return { stages, count, totals: moneyList(totals), weightedTotals: moneyList(weightedTotals), won };
}
