import type { AgentDecision, Signal } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import type { RiskReport } from '../risk/risk-manager';
import { AS_OF, syntheticSnapshot } from '../testing/synthetic';
import type { DecisionContext } from '../types';
import { PortfolioManagerAgent } from './portfolio-manager';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];

function decision(
  agent: 'technical' | 'sentiment',
  symbol: string,
  signal: Signal,
  confidence: number,
): AgentDecision {
  return { agent, symbol, signal, confidence, reasoning: 'x', supportingData: {}, ts: AS_OF };
}

function risk(maxWeight = 0.25, vetoes: { symbol: string; reason: string }[] = []): RiskReport {
  return {
    assessment: {
      asOf: AS_OF,
      valueAtRisk95: 0,
      valueAtRisk99: 0,
      conditionalValueAtRisk95: 0,
      conditionalValueAtRisk99: 0,
      currentDrawdown: 0,
      drawdownLimit: 0.2,
      maxWeightBySymbol: Object.fromEntries(SYMBOLS.map((s) => [s, maxWeight])),
      vetoes,
      reasoning: 'test',
    },
    sizes: [],
    correlation: { symbols: [], matrix: [], clusters: [] },
    parametric: { valueAtRisk95: 0, valueAtRisk99: 0, cvar95: 0, cvar99: 0 },
  };
}

function ctx(positions: DecisionContext['portfolio']['positions'] = [], atr = 2): DecisionContext {
  return {
    asOf: AS_OF,
    correlationId: 'p',
    snapshots: SYMBOLS.map((s) => syntheticSnapshot(s, { atr14: atr }, [100, 100])),
    news: [],
    portfolio: { asOf: AS_OF, cash: 100_000, equity: 100_000, positions },
  };
}

const pm = new PortfolioManagerAgent();
const target = (plan: ReturnType<typeof pm.decide>, symbol: string) =>
  plan.targets.find((t) => t.symbol === symbol)?.targetWeight;

describe('PortfolioManagerAgent', () => {
  it('buys on agreement, sized by the risk max × consensus strength', () => {
    const plan = pm.decide({
      ctx: ctx(),
      decisions: [decision('technical', 'AAA', 'BUY', 0.8), decision('sentiment', 'AAA', 'BUY', 0.6)],
      risk: risk(0.2),
      degraded: [],
    });
    // consensus = 0.6×0.8 + 0.4×0.6 = 0.72 >= full size 0.5 → full risk max
    expect(target(plan, 'AAA')).toBeCloseTo(0.2, 9);
    expect(plan.decisions.find((d) => d.symbol === 'AAA')?.signal).toBe('BUY');
    expect(target(plan, 'BBB')).toBe(0);
  });

  it('holds on a strong conflict and records why', () => {
    const plan = pm.decide({
      ctx: ctx(),
      decisions: [decision('technical', 'AAA', 'BUY', 0.9), decision('sentiment', 'AAA', 'SELL', 0.7)],
      risk: risk(),
      degraded: [],
    });
    expect(target(plan, 'AAA')).toBe(0);
    expect(plan.decisions[0]?.reasoning).toContain('strong conflict');
  });

  it('sees no conflict with an analyst weighted 0 (the attribution variants)', () => {
    const decisions = [decision('technical', 'AAA', 'BUY', 0.9), decision('sentiment', 'AAA', 'SELL', 0.7)];
    const technicalOnly = new PortfolioManagerAgent({}, { technical: 1, sentiment: 0 }).decide({
      ctx: ctx(),
      decisions,
      risk: risk(0.2),
      degraded: [],
    });
    // consensus = 0.9 >= full size: the risk max, undamped.
    expect(target(technicalOnly, 'AAA')).toBeCloseTo(0.2, 9);
    expect(technicalOnly.decisions[0]?.reasoning).not.toContain('conflict');
  });

  it('does not add to a vetoed symbol', () => {
    const plan = pm.decide({
      ctx: ctx(),
      decisions: [decision('technical', 'AAA', 'BUY', 0.9), decision('sentiment', 'AAA', 'BUY', 0.9)],
      risk: risk(0.25, [{ symbol: 'AAA', reason: 'drawdown 25% >= limit 20%' }]),
      degraded: [],
    });
    expect(target(plan, 'AAA')).toBe(0);
    expect(plan.decisions[0]?.reasoning).toContain('vetoed by risk');
  });

  it('exits on a stop-loss 3 ATR below entry, whatever the signals', () => {
    // entry 110, ATR 2, price 100: 100 <= 110 − 6 → stop
    const plan = pm.decide({
      ctx: ctx([{ symbol: 'AAA', quantity: 100, averagePrice: 110, realizedPnl: 0 }]),
      decisions: [decision('technical', 'AAA', 'BUY', 0.9)],
      risk: risk(),
      degraded: [],
    });
    expect(target(plan, 'AAA')).toBe(0);
    expect(plan.decisions[0]?.signal).toBe('SELL');
    expect(plan.decisions[0]?.reasoning).toContain('stop-loss');
  });

  it('keeps at most maxPositions, strongest consensus first', () => {
    const two = new PortfolioManagerAgent({ maxPositions: 2 });
    const plan = two.decide({
      ctx: ctx(),
      decisions: [
        decision('technical', 'AAA', 'BUY', 0.5),
        decision('technical', 'BBB', 'BUY', 0.9),
        decision('technical', 'CCC', 'BUY', 0.7),
      ],
      risk: risk(0.2),
      degraded: [],
    });
    expect(plan.targets.filter((t) => t.targetWeight > 0).map((t) => t.symbol)).toEqual(['BBB', 'CCC']);
  });

  it('skips trades smaller than the minimum and never leverages', () => {
    // Holds 19.5% of AAA; a 20% target is a 0.5% change → no trade.
    const held = pm.decide({
      ctx: ctx([{ symbol: 'AAA', quantity: 195, averagePrice: 100, realizedPnl: 0 }]),
      decisions: [decision('technical', 'AAA', 'BUY', 1), decision('sentiment', 'AAA', 'BUY', 1)],
      risk: risk(0.2),
      degraded: [],
    });
    expect(target(held, 'AAA')).toBeCloseTo(0.195, 9);
    expect(held.decisions[0]?.signal).toBe('HOLD');

    const all = pm.decide({
      ctx: ctx(),
      decisions: SYMBOLS.flatMap((s) => [
        decision('technical', s, 'BUY', 1),
        decision('sentiment', s, 'BUY', 1),
      ]),
      risk: risk(0.4),
      degraded: [],
    });
    const total = all.targets.reduce((s, t) => s + t.targetWeight, 0);
    expect(total).toBeCloseTo(0.98, 6);
  });

  it('lowers confidence when the cycle is degraded', () => {
    const input = { ctx: ctx(), decisions: [decision('technical', 'AAA', 'BUY', 0.8)], risk: risk() };
    const normal = pm.decide({ ...input, degraded: [] });
    const degraded = pm.decide({ ...input, degraded: [{ agent: 'sentiment', reason: 'timeout' }] });
    expect(degraded.decisions[0]?.confidence).toBeCloseTo(
      (normal.decisions[0]?.confidence as number) * 0.5,
      12,
    );
  });
});
