import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromCloses } from '../../test/support/fixtures';
import { findSwingPoints } from '../swing-points/swing-points';
import { computeTrendStructure } from './trend-structure';

function zigzag(points: readonly number[]): number[] {
  const closes = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    let price = closes.at(-1)!;
    while (price !== points[i]) {
      price += Math.sign(points[i]! - price);
      closes.push(price);
    }
  }
  return closes;
}

const lastTrend = (points: number[]) => computeTrendStructure(barsFromCloses(zigzag(points)), 2).at(-1);

describe('TrendStructure', () => {
  it('reads higher highs and higher lows as an uptrend', () => {
    const value = lastTrend([100, 110, 104, 115, 108, 120, 114, 118]);
    expect(value?.trend).toBe('up');
    expect([
      value?.previousHigh.price,
      value?.lastHigh.price,
      value?.previousLow.price,
      value?.lastLow.price,
    ]).toEqual([115, 120, 108, 114]);
  });

  it('reads lower highs and lower lows as a downtrend, and a range as sideways', () => {
    expect(lastTrend([130, 110, 125, 105, 120, 100, 110])?.trend).toBe('down');
    expect(lastTrend([100, 110, 100, 112, 98, 110, 102, 106])?.trend).toBe('sideways');
  });

  it('is undefined until two swing highs and two swing lows are known', () => {
    expect(lastTrend([100, 110, 104, 108])).toBeUndefined();
  });

  it('agrees with the last two confirmed swings of each kind (random bars)', () => {
    fc.assert(
      fc.property(arbBars(1, 150), fc.integer({ min: 1, max: 4 }), (bars, lookback) => {
        const structure = computeTrendStructure(bars, lookback);
        const swings = findSwingPoints(bars, lookback);
        structure.forEach((value, i) => {
          const known = swings.filter((s) => s.confirmedAtIndex <= i);
          const highs = known.filter((s) => s.kind === 'high').slice(-2);
          const lows = known.filter((s) => s.kind === 'low').slice(-2);
          if (highs.length < 2 || lows.length < 2) {
            expect(value).toBeUndefined();
            return;
          }
          const up = highs[1]!.price > highs[0]!.price && lows[1]!.price > lows[0]!.price;
          const down = highs[1]!.price < highs[0]!.price && lows[1]!.price < lows[0]!.price;
          expect(value?.trend).toBe(up ? 'up' : down ? 'down' : 'sideways');
        });
      }),
    );
  });
});
