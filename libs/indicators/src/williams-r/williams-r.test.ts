import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { barsFromHlcv, loadAaplBars } from '../../test/support/fixtures';
import { refWilliamsR } from '../../test/support/reference';
import { computeWilliamsR, WilliamsR } from './williams-r';

describe('WilliamsR', () => {
  it('computes −100·(HH − close)/(HH − LL) by hand', () => {
    // Window of 2: HH 12, LL 8, close 11 → −100·1/4 = −25.
    const bars = barsFromHlcv([
      [10, 8, 9, 100],
      [12, 9, 11, 100],
    ]);
    expectSeriesClose(computeWilliamsR(bars, 2), [Number.NaN, -25], 1e-12);
  });

  it('matches the definition on AAPL 2022–2023', () => {
    const bars = loadAaplBars();
    expectSeriesClose(computeWilliamsR(bars), refWilliamsR(bars));
  });

  it('stays within [−100, 0] and matches the definition on random bars', () => {
    fc.assert(
      fc.property(arbBars(1, 120), fc.integer({ min: 1, max: 20 }), (bars, period) => {
        const batch = computeWilliamsR(bars, period);
        expectSeriesClose(batch, refWilliamsR(bars, period));
        const willR = new WilliamsR(period);
        bars.forEach((bar, i) => {
          const value = willR.update(bar);
          expect(value ?? Number.NaN).toBe(batch[i]);
          if (value !== undefined) expect(value >= -100 && value <= 0).toBe(true);
        });
      }),
    );
  });
});
