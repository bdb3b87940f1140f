import { rankCorrelation } from '@ats/agents';
import { PerformanceInputError } from './errors';

/**
 * Is an agent's confidence worth anything? Each call (agent, symbol, decision bar, signal, confidence) is scored
 * after the run against the symbol's realised forward returns (docs/metrics.md: forwardReturn, brier, hitRate,
 * reliability, informationCoefficient).
 */

/** Trading days ahead a call is scored. */
export const CALIBRATION_HORIZONS: readonly number[] = [1, 5, 20];
/** Hit rates are given per confidence bucket of this width: [0, 0.2), …, [0.8, 1]. */
export const CONFIDENCE_BUCKET_WIDTH = 0.2;
/** Reliability curve bins of the implied probability p(up): [0, 0.1), …, [0.9, 1]. */
export const RELIABILITY_BIN_WIDTH = 0.1;

/** One agent's view of one symbol at one decision bar. */
export interface AgentCall {
  readonly agent: string;
  readonly symbol: string;
  /** The decision bar's time (its open, as bars are stamped); the call is made at its close. */
  readonly ts: string;
  readonly signal: string;
  readonly confidence: number;
}

/** A symbol's prices by bar time, oldest first: the adjusted close when the source has one. */
export interface PricePoint {
  readonly ts: string;
  readonly price: number;
}

export interface CallOutcome {
  readonly agent: string;
  readonly symbol: string;
  readonly ts: string;
  readonly horizon: number;
  /** direction × confidence (BUY +1, SELL −1, HOLD 0). */
  readonly signed: number;
  /** Implied probability of an up move. */
  readonly upProbability: number;
  readonly forwardReturn: number;
  /** The bar whose close realises the outcome (t + horizon). */
  readonly realisedBar: string;
}

export const directionOf = (signal: string): number => (signal === 'BUY' ? 1 : signal === 'SELL' ? -1 : 0);

/** p(up) = 0.5 + direction × confidence / 2: BUY 1.0 → 1, SELL 1.0 → 0, HOLD → 0.5. */
export function impliedUpProbability(signal: string, confidence: number): number {
  return 0.5 + (directionOf(signal) * Math.min(1, Math.max(0, confidence))) / 2;
}

/**
 * Every call's forward return at each horizon: price(t + h) / price(t) − 1 on the symbol's own bars. A call whose
 * bar is not in the prices, or whose t + h is beyond the last bar, has no outcome at that horizon.
 */
export function callOutcomes(
  calls: readonly AgentCall[],
  prices: ReadonlyMap<string, readonly PricePoint[]>,
  horizons: readonly number[] = CALIBRATION_HORIZONS,
): CallOutcome[] {
  const index = new Map<string, Map<string, number>>();
  for (const [symbol, series] of prices) index.set(symbol, new Map(series.map((p, i) => [p.ts, i])));
  const outcomes: CallOutcome[] = [];
  for (const horizon of horizons) {
    if (!(horizon >= 1) || !Number.isInteger(horizon))
      throw new PerformanceInputError(`horizon must be a positive integer (got ${horizon})`);
    for (const call of calls) {
      const series = prices.get(call.symbol);
      const at = index.get(call.symbol)?.get(call.ts);
      if (series === undefined || at === undefined) continue;
      const later = series[at + horizon];
      const now = series[at] as PricePoint;
      if (later === undefined || !(now.price > 0)) continue;
      outcomes.push({
        agent: call.agent,
        symbol: call.symbol,
        ts: call.ts,
        horizon,
        signed: directionOf(call.signal) * call.confidence,
        upProbability: impliedUpProbability(call.signal, call.confidence),
        forwardReturn: later.price / now.price - 1,
        realisedBar: later.ts,
      });
    }
  }
  return outcomes;
}

export interface ConfidenceBucket {
  readonly from: number;
  readonly to: number;
  /** BUY/SELL calls in the bucket. */
  readonly calls: number;
  readonly hits: number;
  readonly hitRate: number | null;
}

export interface ReliabilityPoint {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Mean implied p(up) of the bin's calls. */
  readonly meanProbability: number;
  /** Share of the bin's calls followed by an up move. */
  readonly observedUp: number;
}

export interface HorizonCalibration {
  readonly horizon: number;
  /** Calls with an outcome (HOLD included). */
  readonly outcomes: number;
  /** BUY/SELL calls with an outcome. */
  readonly directionalCalls: number;
  readonly hitRate: number | null;
  readonly brier: number | null;
  readonly informationCoefficient: number | null;
  /** Mean forward return after BUY and after SELL calls: what following the signal would have earned. */
  readonly meanReturnAfterBuy: number | null;
  readonly meanReturnAfterSell: number | null;
  readonly buckets: readonly ConfidenceBucket[];
  readonly reliability: readonly ReliabilityPoint[];
}

export interface AgentCalibration {
  readonly agent: string;
  readonly horizons: readonly HorizonCalibration[];
}

/** Per agent (in first-seen order) and horizon: hit rates by confidence bucket, Brier score, IC, reliability. */
export function agentCalibration(outcomes: readonly CallOutcome[]): AgentCalibration[] {
  const byAgent = new Map<string, Map<number, CallOutcome[]>>();
  for (const o of outcomes) {
    const horizons = byAgent.get(o.agent) ?? new Map<number, CallOutcome[]>();
    const list = horizons.get(o.horizon) ?? [];
    list.push(o);
    horizons.set(o.horizon, list);
    byAgent.set(o.agent, horizons);
  }
  return [...byAgent].map(([agent, horizons]) => ({
    agent,
    horizons: [...horizons]
      .sort(([a], [b]) => a - b)
      .map(([horizon, list]) => horizonCalibration(horizon, list)),
  }));
}

function horizonCalibration(horizon: number, list: readonly CallOutcome[]): HorizonCalibration {
  const up = (o: CallOutcome) => (o.forwardReturn > 0 ? 1 : 0);
  // A call says up or down: BUY/SELL with confidence > 0 (p ≠ 0.5).
  const calls = list.filter((o) => o.upProbability !== 0.5);
  const isHit = (o: CallOutcome) => Math.sign(o.upProbability - 0.5) === Math.sign(o.forwardReturn);
  const bucketCount = Math.round(1 / CONFIDENCE_BUCKET_WIDTH);
  const buckets: ConfidenceBucket[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const from = b * CONFIDENCE_BUCKET_WIDTH;
    const to = (b + 1) * CONFIDENCE_BUCKET_WIDTH;
    const inBucket = calls.filter(
      (o) => bucketOf(confidenceOf(o), CONFIDENCE_BUCKET_WIDTH, bucketCount) === b,
    );
    const hits = inBucket.filter(isHit).length;
    buckets.push({
      from,
      to,
      calls: inBucket.length,
      hits,
      hitRate: inBucket.length > 0 ? hits / inBucket.length : null,
    });
  }
  const binCount = Math.round(1 / RELIABILITY_BIN_WIDTH);
  const reliability: ReliabilityPoint[] = [];
  for (let b = 0; b < binCount; b++) {
    const inBin = list.filter((o) => bucketOf(o.upProbability, RELIABILITY_BIN_WIDTH, binCount) === b);
    if (inBin.length === 0) continue;
    reliability.push({
      from: b * RELIABILITY_BIN_WIDTH,
      to: (b + 1) * RELIABILITY_BIN_WIDTH,
      count: inBin.length,
      meanProbability: average(inBin.map((o) => o.upProbability)) as number,
      observedUp: average(inBin.map(up)) as number,
    });
  }
  const hits = calls.filter(isHit).length;
  return {
    horizon,
    outcomes: list.length,
    directionalCalls: calls.length,
    hitRate: calls.length > 0 ? hits / calls.length : null,
    brier: average(list.map((o) => (o.upProbability - up(o)) ** 2)),
    informationCoefficient: spearmanCorrelation(
      list.map((o) => o.signed),
      list.map((o) => o.forwardReturn),
    ),
    meanReturnAfterBuy: average(list.filter((o) => o.upProbability > 0.5).map((o) => o.forwardReturn)),
    meanReturnAfterSell: average(list.filter((o) => o.upProbability < 0.5).map((o) => o.forwardReturn)),
    buckets,
    reliability,
  };
}

/** |p − 0.5| × 2 recovers the confidence of a BUY/SELL call from its implied probability. */
const confidenceOf = (o: CallOutcome) => Math.abs(o.upProbability - 0.5) * 2;

/** Bin of a value in [0, 1]: ⌊v / width⌋, the top edge (1) in the last bin. */
function bucketOf(value: number, width: number, count: number): number {
  return Math.min(count - 1, Math.floor(value / width + 1e-12));
}

function average(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * Spearman rank correlation (@ats/agents owns the definition: Pearson correlation of the ranks, ties given their
 * average rank). Null with fewer than 3 pairs or when either side is constant; unequal lengths are an input error.
 */
export function spearmanCorrelation(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new PerformanceInputError('rank correlation needs pairs');
  return rankCorrelation(x, y);
}
