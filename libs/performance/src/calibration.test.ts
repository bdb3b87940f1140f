import { describe, expect, it } from 'vitest';
import {
  agentCalibration,
  callOutcomes,
  impliedUpProbability,
  type PricePoint,
  spearmanCorrelation,
} from './calibration';

const day = (d: number) => new Date(Date.UTC(2023, 0, 2 + d)).toISOString();
/** Closes 100, 110, 99, 99, 120 on days 0..4. */
const PRICES = new Map<string, PricePoint[]>([
  ['AAA', [100, 110, 99, 99, 120].map((price, d) => ({ ts: day(d), price }))],
]);

describe('agent calibration', () => {
  it('maps signal and confidence to p(up)', () => {
    expect(impliedUpProbability('BUY', 0.6)).toBeCloseTo(0.8, 15);
    expect(impliedUpProbability('SELL', 0.6)).toBeCloseTo(0.2, 15);
    expect(impliedUpProbability('HOLD', 0.9)).toBe(0.5);
  });

  it('scores calls against forward returns known only h bars later, by hand', () => {
    const calls = [
      { agent: 'technical', symbol: 'AAA', ts: day(0), signal: 'BUY', confidence: 0.6 },
      { agent: 'technical', symbol: 'AAA', ts: day(1), signal: 'SELL', confidence: 1 },
      { agent: 'technical', symbol: 'AAA', ts: day(2), signal: 'HOLD', confidence: 0.3 },
      { agent: 'technical', symbol: 'AAA', ts: day(3), signal: 'BUY', confidence: 0.1 },
      // Day 4 is the last bar: no 1-day outcome exists, the call is left out.
      { agent: 'technical', symbol: 'AAA', ts: day(4), signal: 'BUY', confidence: 1 },
    ];
    const outcomes = callOutcomes(calls, PRICES, [1]);
    // f_1: day 0 +10%, day 1 −10%, day 2 0%, day 3 +21.2121%.
    expect(outcomes.map((o) => o.forwardReturn)).toEqual(
      [0.1, 99 / 110 - 1, 0, 120 / 99 - 1].map((x) => expect.closeTo(x, 12)),
    );
    expect(outcomes[0]?.realisedBar).toBe(day(1));
    const [calibration] = agentCalibration(outcomes);
    const h1 = calibration?.horizons[0];
    expect(h1?.outcomes).toBe(4);
    // Calls (p ≠ 0.5): BUY 0.6 hit, SELL 1.0 hit, BUY 0.1 hit → 3/3; HOLD is not a call.
    expect(h1?.directionalCalls).toBe(3);
    expect(h1?.hitRate).toBe(1);
    // Brier: p = 0.8, 0, 0.5, 0.55 against y = 1, 0, 0, 1: (0.04 + 0 + 0.25 + 0.2025) / 4 = 0.123125.
    expect(h1?.brier).toBeCloseTo(0.123125, 12);
    // IC: s = 0.6, −1, 0, 0.1 → ranks 4, 1, 2, 3; f → ranks 3, 1, 2, 4; Σd² = 1 + 0 + 0 + 1 = 2,
    // ρ = 1 − 6·2 / (4·15) = 0.8.
    expect(h1?.informationCoefficient).toBeCloseTo(0.8, 12);
    // Buckets of confidence: 0.1 → [0, 0.2), 0.6 → [0.6, 0.8), 1.0 → [0.8, 1].
    expect(h1?.buckets.map((b) => b.calls)).toEqual([1, 0, 0, 1, 1]);
    // Reliability bins: p 0 → [0, 0.1), 0.5 → [0.5, 0.6) with 0.55, 0.8 → [0.8, 0.9).
    expect(h1?.reliability.map((r) => [r.from, r.count, r.meanProbability, r.observedUp])).toEqual([
      [0, 1, 0, 0],
      [0.5, 2, 0.525, 0.5],
      [expect.closeTo(0.8, 12), 1, 0.8, 1],
    ]);
    expect(h1?.meanReturnAfterSell).toBeCloseTo(99 / 110 - 1, 12);
  });

  it('has no outcome beyond the data and only one per horizon', () => {
    const calls = [{ agent: 'sentiment', symbol: 'AAA', ts: day(0), signal: 'BUY', confidence: 1 }];
    const outcomes = callOutcomes(calls, PRICES, [1, 5, 20]);
    expect(outcomes.map((o) => o.horizon)).toEqual([1]);
    expect(callOutcomes(calls, PRICES, [4])[0]?.forwardReturn).toBeCloseTo(0.2, 12);
  });

  it('ranks ties on average in the IC', () => {
    // Same hand case as @ats/agents' rank correlation: 3/√22.5.
    expect(spearmanCorrelation([0, 0, 1, 2], [10, 30, 20, 40])).toBeCloseTo(3 / Math.sqrt(22.5), 12);
    expect(spearmanCorrelation([1, 2], [1, 2])).toBeNull();
  });
});
