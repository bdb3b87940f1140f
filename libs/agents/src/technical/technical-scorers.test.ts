import { describe, expect, it } from 'vitest';
import { syntheticSnapshot } from '../testing/synthetic';
import {
  LONG_HORIZON_BARS,
  scoreMovingAverageTrend,
  scorePatterns,
  scoreRsi,
  scoreSupportResistance,
  TECHNICAL_SCORERS,
} from './technical-scorers';
import { TECHNICAL_WEIGHTS } from './technical-weights';

const FLAT = [100, 100, 100];

describe('technical scorers', () => {
  it('score every weighted component once, in the weights order (the reasoning lists ties in this order)', () => {
    expect(TECHNICAL_SCORERS.map((s) => s.component)).toEqual(Object.keys(TECHNICAL_WEIGHTS.standard));
  });

  it('have nothing to say while indicators warm up', () => {
    const warmingUp = syntheticSnapshot('AAPL', {}, FLAT);
    for (const { component, score } of TECHNICAL_SCORERS)
      expect([component, score(warmingUp)]).toEqual([component, null]);
  });

  it('RSI: bullish in proportion below 30, bearish above 70, neutral between', () => {
    const at = (rsi14: number) => scoreRsi(syntheticSnapshot('AAPL', { rsi14 }, FLAT));
    expect(at(25)?.value).toBeCloseTo(0.25);
    expect(at(80)?.value).toBeCloseTo(-0.5);
    expect(at(50)?.value).toBe(0);
    expect(at(25)?.note()).toBe('RSI14 25.0 oversold');
  });

  it('MA trend: half the say from SMA50 alone while SMA200 warms up', () => {
    const score = scoreMovingAverageTrend(syntheticSnapshot('AAPL', { sma50: 90 }, FLAT));
    expect(score?.value).toBe(0.5);
    expect(score?.note()).toBe('close 100.00 vs SMA50 90.00 (SMA200 warming up)');
  });

  it('levels: at support is fully bullish, one ATR away no longer counts', () => {
    const near = scoreSupportResistance(syntheticSnapshot('AAPL', { atr14: 2, 'support.price': 100 }, FLAT));
    const far = scoreSupportResistance(syntheticSnapshot('AAPL', { atr14: 2, 'support.price': 97 }, FLAT));
    expect(near?.value).toBe(1);
    expect(far?.value).toBe(0);
  });

  it('patterns: an unconfirmed breakout counts half, averaged with a recent golden cross', () => {
    const score = scorePatterns(
      syntheticSnapshot(
        'AAPL',
        {
          'pattern.maCross': 1,
          'pattern.maCross.barsAgo': 3,
          'pattern.breakout': 1,
          'pattern.breakout.barsAgo': 1,
          'pattern.breakout.volumeRatio': 1.1,
        },
        FLAT,
      ),
    );
    expect(score?.value).toBe(0.75);
    expect(score?.note()).toBe(
      'golden cross 3 bars ago, upside breakout 1 bars ago on 1.10× volume (unconfirmed)',
    );
  });

  it('patterns: a neutral reading once enough history shows none is recent', () => {
    const stale = { 'pattern.maCross': 1, 'pattern.maCross.barsAgo': 30 };
    expect(scorePatterns(syntheticSnapshot('AAPL', stale))?.value).toBe(0);
    expect(scorePatterns(syntheticSnapshot('AAPL', stale, FLAT))).toBeNull();
  });

  it('long momentum needs more than LONG_HORIZON_BARS bars', () => {
    const long = TECHNICAL_SCORERS.find((s) => s.component === 'longMomentum')?.score;
    const rising = Array.from(
      { length: LONG_HORIZON_BARS + 1 },
      (_, i) => 100 + (20 * i) / LONG_HORIZON_BARS,
    );
    expect(long?.(syntheticSnapshot('AAPL', {}, rising))?.value).toBeCloseTo(1);
    expect(long?.(syntheticSnapshot('AAPL', {}, rising.slice(1)))).toBeNull();
  });
});
