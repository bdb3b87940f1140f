import { describe, expect, it } from 'vitest';
import { pricePath, syntheticSnapshot } from '../testing/synthetic';
import { buyBlocks, positionLimits } from './position-limits';
import { DEFAULT_RISK_CONFIG } from './risk-config';

function dailyReturns(closes: readonly number[]): number[] {
  return closes.slice(1).map((close, i) => close / (closes[i] as number) - 1);
}

const a = pricePath(260, 0.0005, 0.02, 100, 0);
const b = a.map((x) => x * 2);
const snapshots = [syntheticSnapshot('AAA', { atr14: 2 }, a), syntheticSnapshot('BBB', { atr14: 4 }, b)];
const returns = [dailyReturns(a), dailyReturns(b)];

describe('buyBlocks', () => {
  it('names each portfolio-wide reason to stop buying, with its numbers', () => {
    const cfg = DEFAULT_RISK_CONFIG;
    expect(buyBlocks(0.01, 0.01, 100_000, cfg)).toEqual([]);
    expect(buyBlocks(0.25, 0.06, 0, cfg)).toEqual([
      'drawdown 25.0% >= limit 20.0%: no new buys',
      'one-day VaR99 6.00% > limit 5.00%: no new buys',
      'equity 0.00 not positive: no new buys',
    ]);
  });
});

describe('positionLimits', () => {
  it('caps a correlated cluster at its combined weight and scales its members alike', () => {
    const cfg = { ...DEFAULT_RISK_CONFIG, maxClusterWeight: 0.1 };
    const free = positionLimits(snapshots, returns, [0, 0], [], [], cfg);
    const capped = positionLimits(snapshots, returns, [0, 0], [[0, 1]], [], cfg);
    const total = free.sizes.reduce((s, p) => s + p.maxWeight, 0);
    expect(total).toBeGreaterThan(0.1);
    expect(capped.sizes.reduce((s, p) => s + p.maxWeight, 0)).toBeCloseTo(0.1, 12);
    expect(capped.sizes[0]?.clusterScale).toBeCloseTo(0.1 / total, 12);
    expect(capped.vetoes).toEqual([]);
  });

  it('joins every reason for one symbol into one veto, in the order they arose', () => {
    const limits = positionLimits(snapshots, returns, [0.9, 0], [], ['drawdown past limit: no new buys'], {
      ...DEFAULT_RISK_CONFIG,
      minHistory: 300,
    });
    expect(limits.vetoes.map((v) => v.symbol)).toEqual(['AAA', 'BBB']);
    expect(limits.vetoes[0]?.reason).toBe(
      'only 259 daily returns (< 300): no position; drawdown past limit: no new buys; position 90.0% above max 0.0%: no adds, trim to max',
    );
    expect(limits.maxWeightBySymbol).toEqual({ AAA: 0, BBB: 0 });
  });
});
