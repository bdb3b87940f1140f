import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { barsFromHlcv, loadAaplBars } from '../../test/support/fixtures';
import { refAtr } from '../../test/support/reference';
import { AverageTrueRange, computeAtr } from './atr';

describe('AverageTrueRange', () => {
  it('applies Wilder smoothing to the true range (hand-checked)', () => {
    // TRs: 2 (first bar: high − low), max(3, |13−9|, |10−9|) = 4, max(2, |12−12|, |10−12|) = 2.
    // ATR(2): seed (2+4)/2 = 3, then (3·1 + 2)/2 = 2.5.
    const bars = barsFromHlcv([
      [10, 8, 9, 100],
      [13, 10, 12, 100],
      [12, 10, 11, 100],
    ]);
    expectSeriesClose(computeAtr(bars, 2), [Number.NaN, 3, 2.5], 1e-12);
  });

  it('matches the definition on AAPL 2022–2023', () => {
    const bars = loadAaplBars();
    expectSeriesClose(computeAtr(bars), refAtr(bars));
  });

  it('is non-negative and matches the definition on random bars, streaming equal to batch', () => {
    fc.assert(
      fc.property(arbBars(1, 120), fc.integer({ min: 1, max: 20 }), (bars, period) => {
        const batch = computeAtr(bars, period);
        expectSeriesClose(batch, refAtr(bars, period), 1e-8);
        const atr = new AverageTrueRange(period);
        bars.forEach((bar, i) => {
          const value = atr.update(bar);
          expect(value ?? Number.NaN).toBe(batch[i]);
          if (value !== undefined) expect(value).toBeGreaterThanOrEqual(0);
        });
      }),
    );
  });
});
