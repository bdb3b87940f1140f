import type { AgentDecision, Bar, MarketSnapshot } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { barCloseTime } from '../snapshot';
import type { DecisionContext } from '../types';
import {
  AdaptiveConsensusWeights,
  DEFAULT_ADAPTIVE_WEIGHT_RULE,
  type OutcomeVisibility,
  type WeightPoint,
} from './adaptive-weights';
import { DEFAULT_CONSENSUS_WEIGHTS } from './portfolio-manager';
import { averageRanks, rankCorrelation } from './rank-correlation';

const SYMBOLS = ['AAA', 'BBB', 'CCC'] as const;
const DAYS = 160;
const DAY_MS = 86_400_000;
const FIRST = Date.parse('2023-01-02T00:00:00.000Z');

/** Park–Miller LCG: the same pseudo-random prices in every run of the test. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 16807) % 2147483647;
    return x / 2147483647;
  };
}

/** Daily closes of every symbol: a random walk of ±2% steps. */
function closes(seed: number): Record<string, number[]> {
  const u = lcg(seed);
  const out: Record<string, number[]> = {};
  for (const symbol of SYMBOLS) {
    const path = [100];
    for (let d = 1; d < DAYS; d++) path.push((path[d - 1] as number) * (1 + 0.04 * (u() - 0.5)));
    out[symbol] = path;
  }
  return out;
}

/** Replaces every close after day `t` (the future of a decision at t) with another walk. */
function withOtherFuture(
  prices: Record<string, number[]>,
  t: number,
  seed: number,
): Record<string, number[]> {
  const other = closes(seed);
  return Object.fromEntries(
    Object.entries(prices).map(([symbol, path]) => [
      symbol,
      path.map((p, d) => (d <= t ? p : (p * ((other[symbol] as number[])[d] as number)) / 100)),
    ]),
  );
}

function bars(symbol: string, path: readonly number[]): Bar[] {
  return path.map((close, d) => ({
    symbol,
    timeframe: '1d',
    ts: new Date(FIRST + d * DAY_MS).toISOString(),
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
    adjusted: true,
  }));
}

/**
 * The analysts' calls at day d from the past only: technical follows the last 5-day move, sentiment leans
 * against the last day's move, with confidences from the size of the move.
 */
function callsAt(prices: Record<string, number[]>, d: number, asOf: string): AgentDecision[] {
  return SYMBOLS.flatMap((symbol) => {
    const path = prices[symbol] as number[];
    const five = (path[d] as number) / (path[Math.max(0, d - 5)] as number) - 1;
    const one = (path[d] as number) / (path[Math.max(0, d - 1)] as number) - 1;
    const call = (agent: 'technical' | 'sentiment', move: number): AgentDecision => ({
      agent,
      symbol,
      signal: move > 0 ? 'BUY' : move < 0 ? 'SELL' : 'HOLD',
      confidence: Math.min(1, Math.abs(move) * 20),
      reasoning: '',
      supportingData: {},
      ts: asOf,
      correlationId: 'test',
    });
    return [call('technical', five), call('sentiment', -one)];
  });
}

/**
 * The weights used at each decision day 0..upTo. Each context's snapshots carry the WHOLE price path, future
 * included, as a leaking data layer would: only the weighting's own time rule keeps the future out.
 */
function weightPath(
  prices: Record<string, number[]>,
  upTo: number,
  visibility?: OutcomeVisibility,
): readonly WeightPoint[] {
  const weighting = new AdaptiveConsensusWeights(
    DEFAULT_CONSENSUS_WEIGHTS,
    DEFAULT_ADAPTIVE_WEIGHT_RULE,
    visibility,
  );
  const histories = Object.fromEntries(SYMBOLS.map((s) => [s, bars(s, prices[s] as number[])]));
  for (let d = 0; d <= upTo; d++) {
    const asOf = barCloseTime((histories.AAA as Bar[])[d] as Bar);
    const snapshots = SYMBOLS.map(
      (symbol) => ({ symbol, history: histories[symbol] }) as unknown as MarketSnapshot,
    );
    const ctx = { asOf, snapshots } as unknown as DecisionContext;
    weighting.weightsFor(ctx, callsAt(prices, d, asOf));
  }
  return weighting.path;
}

/** Decision days (≤ t) whose weights differ between two price paths that agree up to t. */
function daysChangedByTheFuture(t: number, visibility?: OutcomeVisibility): number[] {
  const prices = closes(20230101);
  const a = weightPath(prices, t, visibility);
  const b = weightPath(withOtherFuture(prices, t, 777), t, visibility);
  return a.flatMap((point, d) => (JSON.stringify(point) === JSON.stringify(b[d]) ? [] : [d]));
}

describe('adaptive consensus weights', () => {
  it('never lets an outcome realised after t change the weights used at t', () => {
    for (const t of [40, 90, 150]) expect(daysChangedByTheFuture(t)).toEqual([]);
  });

  it('the same check catches a planted leak (outcomes counted as known at the decision itself)', () => {
    const leak: OutcomeVisibility = () => true;
    const changed = daysChangedByTheFuture(90, leak);
    expect(changed.length).toBeGreaterThan(0);
    // The leak shows only where the future is within the horizon: the last 5 days before t.
    expect(Math.min(...changed)).toBeGreaterThan(90 - DEFAULT_ADAPTIVE_WEIGHT_RULE.horizon - 1);
  });

  it('keeps the static weights until each analyst has enough realised outcomes', () => {
    const path = weightPath(closes(20230101), 60);
    // 3 calls a day per analyst; the call of day d is realised at the close of day d + 5, so at day D the calls of
    // days 0..D−5 are known: 3 × (D − 4) outcomes, 27 at day 13 (static), 30 at day 14.
    expect(path.slice(0, 14).every((p) => p.source === 'static')).toBe(true);
    expect(path[13]?.analysts.technical.outcomes).toBe(27);
    expect(path[14]?.analysts.technical.outcomes).toBe(30);
    for (const p of path) expect(p.weights.technical + p.weights.sentiment).toBeCloseTo(1, 12);
  });

  it('weights an analyst by its shrunk IC, floored at 0', () => {
    const path = weightPath(closes(20230101), 150);
    const last = path.at(-1) as WeightPoint;
    const { technical, sentiment } = last.analysts;
    const k = DEFAULT_ADAPTIVE_WEIGHT_RULE.shrinkage;
    expect(technical.shrunkIc).toBeCloseTo(
      Math.max(0, (technical.ic ?? 0) * (technical.outcomes / (technical.outcomes + k))),
      12,
    );
    if (last.source === 'adaptive') {
      const total = technical.shrunkIc + sentiment.shrunkIc;
      expect(last.weights.technical).toBeCloseTo(technical.shrunkIc / total, 12);
    } else {
      expect(technical.shrunkIc + sentiment.shrunkIc).toBe(0);
    }
  });
});

describe('rank correlation', () => {
  it('is Spearman with average ranks for ties', () => {
    // By hand: x = 0, 0, 1, 2 → ranks 1.5, 1.5, 3, 4; y = 10, 30, 20, 40 → ranks 1, 3, 2, 4;
    // deviations from 2.5: (−1, −1, 0.5, 1.5) and (−1.5, 0.5, −0.5, 1.5); Σdxdy = 1.5 − 0.5 − 0.25 + 2.25 = 3,
    // Σdx² = 1 + 1 + 0.25 + 2.25 = 4.5, Σdy² = 5 → ρ = 3 / √22.5 = 0.632456.
    expect(averageRanks([0, 0, 1, 2])).toEqual([1.5, 1.5, 3, 4]);
    expect(rankCorrelation([0, 0, 1, 2], [10, 30, 20, 40])).toBeCloseTo(3 / Math.sqrt(22.5), 12);
    expect(rankCorrelation([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});
