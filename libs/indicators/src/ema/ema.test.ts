import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCloses } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { loadAaplBars } from '../../test/support/fixtures';
import { refEma } from '../../test/support/reference';
import { computeEma, ExponentialMovingAverage } from './ema';

describe('ExponentialMovingAverage', () => {
  it('is seeded with the SMA of the first n values (hand-checked)', () => {
    // EMA(2): seed (2+4)/2 = 3, alpha 2/3: 6·2/3 + 3/3 = 5, 8·2/3 + 5/3 = 7.
    expectSeriesClose(computeEma([2, 4, 6, 8], 2), [Number.NaN, 3, 5, 7], 1e-12);
    // EMA(3) of 1..5: seed 2, alpha 1/2: 3, 4.
    expectSeriesClose(computeEma([1, 2, 3, 4, 5], 3), [Number.NaN, Number.NaN, 2, 3, 4], 1e-12);
  });

  it('matches the definition on AAPL 2022–2023 closes', () => {
    const closes = loadAaplBars().map((b) => b.close);
    for (const period of [12, 26, 50]) expectSeriesClose(computeEma(closes, period), refEma(closes, period));
  });

  it('matches the definition on random series, streaming equal to batch', () => {
    fc.assert(
      fc.property(arbCloses(1, 120), fc.integer({ min: 1, max: 30 }), (closes, period) => {
        const batch = computeEma(closes, period);
        expectSeriesClose(batch, refEma(closes, period));
        const ema = new ExponentialMovingAverage(period);
        closes.forEach((c, i) => {
          expect(ema.update(c) ?? Number.NaN).toBe(batch[i]);
        });
      }),
    );
  });
});
