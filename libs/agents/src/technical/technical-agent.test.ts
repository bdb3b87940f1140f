import { describe, expect, it } from 'vitest';
import { AS_OF, bearishIndicators, bullishIndicators, syntheticSnapshot } from '../testing/synthetic';
import type { DecisionContext } from '../types';
import { TechnicalAgent } from './technical-agent';
import { assessTechnical, TECHNICAL_BUY_THRESHOLD } from './technical-rules';

const price = 100;

describe('assessTechnical', () => {
  it('says BUY with high confidence when all evidence is bullish, naming the numbers', () => {
    const snap = syntheticSnapshot('AAPL', bullishIndicators(price));
    const a = assessTechnical(snap);
    expect(a.signal).toBe('BUY');
    expect(a.score).toBeGreaterThanOrEqual(TECHNICAL_BUY_THRESHOLD);
    expect(a.confidence).toBeGreaterThan(0.7);
    expect(a.reasoning).toContain('RSI14 25.0 oversold');
    expect(a.reasoning).toContain('golden cross 3 bars ago');
    expect(a.supportingData.indicators).toMatchObject({ rsi14: 25 });
  });

  it('says SELL when all evidence is bearish', () => {
    const a = assessTechnical(syntheticSnapshot('AAPL', bearishIndicators(price)));
    expect(a.signal).toBe('SELL');
    expect(a.score).toBeLessThan(-0.5);
  });

  it('holds with zero confidence while indicators warm up', () => {
    const a = assessTechnical(syntheticSnapshot('AAPL', {}, [100, 101]));
    expect(a.signal).toBe('HOLD');
    expect(a.confidence).toBe(0);
    expect(a.reasoning).toContain('warming up');
  });

  it('lowers confidence when evidence disagrees', () => {
    const mixed = { ...bullishIndicators(price), rsi14: 85, 'bollinger.percentB': 1.2, 'obv.change20': -1 };
    const clean = assessTechnical(syntheticSnapshot('AAPL', bullishIndicators(price)));
    const noisy = assessTechnical(syntheticSnapshot('AAPL', mixed));
    expect(noisy.confidence).toBeLessThan(clean.confidence);
  });

  it('on the long horizon adds the six-month return and weighs trend more', () => {
    const rising = Array.from({ length: 260 }, (_, i) => 50 * 1.004 ** i);
    const last = rising[259] as number;
    const a = assessTechnical(
      syntheticSnapshot('AAPL', { sma50: last * 0.9, sma200: last * 0.8 }, rising),
      'long',
    );
    expect(a.evidence.map((e) => e.component)).toContain('longMomentum');
    expect(a.signal).toBe('BUY');
  });
});

describe('TechnicalAgent', () => {
  it('decides all symbols in one batch, stamped with ctx.asOf', async () => {
    const ctx: DecisionContext = {
      asOf: AS_OF,
      correlationId: 'c-1',
      snapshots: [
        syntheticSnapshot('AAPL', bullishIndicators(price)),
        syntheticSnapshot('MSFT', bearishIndicators(price)),
      ],
      news: [],
      portfolio: { asOf: AS_OF, cash: 1, equity: 1, positions: [] },
    };
    const batch = await new TechnicalAgent().analyze({ ctx, priorDecisions: [] });
    expect(batch.decisions.map((d) => [d.symbol, d.signal, d.ts, d.correlationId])).toEqual([
      ['AAPL', 'BUY', AS_OF, 'c-1'],
      ['MSFT', 'SELL', AS_OF, 'c-1'],
    ]);
  });
});
