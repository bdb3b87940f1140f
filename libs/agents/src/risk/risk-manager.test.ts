import { describe, expect, it } from 'vitest';
import { AS_OF, pricePath, syntheticSnapshot } from '../testing/synthetic';
import type { DecisionContext } from '../types';
import { RiskManagerAgent } from './risk-manager';
import { historicalTailRisk } from './risk-measures';

const a = pricePath(260, 0.0005, 0.02, 100, 0);
const b = a.map((x) => x * 2); // perfectly correlated with a
const c = pricePath(260, 0.0005, 0.015, 50, 2.1);

function ctx(overrides: Partial<DecisionContext> = {}): DecisionContext {
  const snapshots = [
    syntheticSnapshot('AAA', { atr14: 2 }, a),
    syntheticSnapshot('BBB', { atr14: 4 }, b),
    syntheticSnapshot('CCC', { atr14: 1 }, c),
  ];
  return {
    asOf: AS_OF,
    correlationId: 'r',
    snapshots,
    news: [],
    portfolio: { asOf: AS_OF, cash: 100_000, equity: 100_000, positions: [] },
    ...overrides,
  };
}

describe('RiskManagerAgent', () => {
  it('computes VaR of the current portfolio from its weights and the return history', () => {
    const price = a.at(-1) as number;
    const quantity = (0.5 * 100_000) / price; // 50% in AAA
    const report = new RiskManagerAgent().decide({
      ctx: ctx({
        portfolio: {
          asOf: AS_OF,
          cash: 50_000,
          equity: 100_000,
          positions: [{ symbol: 'AAA', quantity, averagePrice: price, realizedPnl: 0 }],
        },
      }),
      priorDecisions: [],
    });
    const returns = a.slice(1).map((x, i) => 0.5 * (x / (a[i] as number) - 1));
    const expected = historicalTailRisk(returns.slice(-250), 0.99);
    expect(report.assessment.valueAtRisk99).toBeCloseTo(expected.valueAtRisk, 12);
    expect(report.assessment.conditionalValueAtRisk99).toBeCloseTo(expected.conditionalValueAtRisk, 12);
    expect(report.assessment.valueAtRisk95).toBeLessThanOrEqual(report.assessment.valueAtRisk99);
  });

  it('reports zero VaR for an all-cash portfolio', () => {
    const report = new RiskManagerAgent().decide({ ctx: ctx(), priorDecisions: [] });
    expect(report.assessment.valueAtRisk95).toBe(0);
    expect(report.assessment.vetoes).toEqual([]);
  });

  it('caps the combined weight of a highly correlated cluster', () => {
    const rm = new RiskManagerAgent({
      maxClusterWeight: 0.3,
      targetVolPerPosition: 1,
      maxPositionWeight: 0.25,
    });
    const report = rm.decide({ ctx: ctx(), priorDecisions: [] });
    expect(report.correlation.clusters).toEqual([['AAA', 'BBB']]);
    const w = report.assessment.maxWeightBySymbol;
    expect((w.AAA as number) + (w.BBB as number)).toBeCloseTo(0.3, 6);
    expect(w.CCC).toBeCloseTo(0.25, 6);
  });

  it('sizes by volatility target: weight = targetVol / realised vol', () => {
    const report = new RiskManagerAgent({ targetVolPerPosition: 0.05, correlationThreshold: 1 }).decide({
      ctx: ctx(),
      priorDecisions: [],
    });
    const size = report.sizes.find((s) => s.symbol === 'CCC');
    expect(size?.maxWeight).toBeCloseTo(Math.min(0.25, 0.05 / (size?.realisedVol as number)), 6);
  });

  it('vetoes new buys when the drawdown limit is breached and flags positions above max', () => {
    const price = a.at(-1) as number;
    const quantity = (0.6 * 80_000) / price;
    const report = new RiskManagerAgent({ drawdownLimit: 0.15 }).decide({
      ctx: ctx({
        equityHistory: [100_000, 95_000],
        portfolio: {
          asOf: AS_OF,
          cash: 32_000,
          equity: 80_000,
          positions: [{ symbol: 'AAA', quantity, averagePrice: price, realizedPnl: 0 }],
        },
      }),
      priorDecisions: [],
    });
    expect(report.assessment.currentDrawdown).toBeCloseTo(0.2, 12);
    expect(report.assessment.vetoes).toHaveLength(3);
    const aaa = report.assessment.vetoes.find((v) => v.symbol === 'AAA');
    expect(aaa?.reason).toContain('drawdown 20.0% >= limit 15.0%');
    expect(aaa?.reason).toContain('above max');
  });

  it('tracks its own high-water mark when no equity history is supplied', () => {
    const rm = new RiskManagerAgent({ drawdownLimit: 0.1 });
    rm.decide({ ctx: ctx(), priorDecisions: [] });
    const later = rm.decide({
      ctx: ctx({ portfolio: { asOf: AS_OF, cash: 85_000, equity: 85_000, positions: [] } }),
      priorDecisions: [],
    });
    expect(later.assessment.currentDrawdown).toBeCloseTo(0.15, 12);
    expect(later.assessment.vetoes.length).toBe(3);
  });
});
