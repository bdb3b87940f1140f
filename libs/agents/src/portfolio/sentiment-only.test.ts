import { describe, expect, it } from 'vitest';
import {
  datedNews,
  evidenceSnapshot,
  HOUR_MS,
  insiderTrade,
  moodReading,
  shifted,
} from '../sentiment/evidence-fixtures';
import { createAgentTeam } from '../team';
import {
  AS_OF,
  bearishIndicators,
  bullishIndicators,
  pricePath,
  syntheticSnapshot,
} from '../testing/synthetic';
import type { DecisionContext } from '../types';

/**
 * The backtest's attribution variant "sentiment only (without technical)" is the team with consensus weights
 * technical 0, sentiment 1: a strong, well-evidenced sentiment BUY must give a positive target on its own.
 */
const SENTIMENT_ONLY = { technical: 0, sentiment: 1 } as const;

function ctx(technical: 'bullish' | 'bearish' | 'flat'): DecisionContext {
  const closes = pricePath(260, 0.0005, 0.008);
  const price = closes.at(-1) as number;
  const indicators =
    technical === 'bullish'
      ? bullishIndicators(price)
      : technical === 'bearish'
        ? bearishIndicators(price)
        : { atr14: price * 0.02 };
  const good = [
    'Apple operating profit rose sharply, beat expectations',
    'Apple net sales increased by 20 percent',
    'Apple raised guidance after strong demand',
    'Apple record quarter lifts shares as profit jumps',
  ];
  return {
    asOf: AS_OF,
    correlationId: 'sentiment-only',
    snapshots: [syntheticSnapshot('AAPL', indicators, closes)],
    news: [],
    evidence: evidenceSnapshot(AS_OF, ['AAPL'], {
      news: good.map((title, i) => datedNews(`n${i}`, 'AAPL', title, shifted(AS_OF, -(i + 1) * HOUR_MS))),
      insider: [insiderTrade('p1', 'AAPL', 'P', 40_000, 170, shifted(AS_OF, -5 * 24 * HOUR_MS))],
      mood: moodReading(70, '2023-05-31', '2023-05-31T21:00:00.000Z'),
    }),
    portfolio: { asOf: AS_OF, cash: 100_000, equity: 100_000, positions: [] },
  };
}

describe('sentiment-only attribution variant', () => {
  it('trades on a strong, well-evidenced sentiment BUY with zero technical weight', async () => {
    const outcome = await createAgentTeam({ weights: SENTIMENT_ONLY }).runCycle(ctx('flat'));
    const sentiment = outcome.decisions.find((d) => d.agent === 'sentiment');
    expect(sentiment?.signal).toBe('BUY');
    expect(outcome.targets[0]?.targetWeight).toBeGreaterThan(0);
    expect(outcome.targets[0]?.score).toBeCloseTo(sentiment?.confidence ?? 0, 4);
  });

  it('is not held back by a technical view that has zero weight (no conflict with an analyst left out)', async () => {
    const bearish = ctx('bearish');
    const outcome = await createAgentTeam({ weights: SENTIMENT_ONLY }).runCycle(bearish);
    const technical = outcome.decisions.find((d) => d.agent === 'technical');
    expect(technical?.signal).toBe('SELL');
    expect(outcome.targets[0]?.targetWeight).toBeGreaterThan(0);
    expect(outcome.targets[0]?.reasoning).not.toContain('conflict');

    // With both analysts weighted, the same disagreement is a conflict, as before.
    const team = await createAgentTeam({}).runCycle(bearish);
    expect(team.targets[0]?.reasoning).toContain('conflict');
  });
});
