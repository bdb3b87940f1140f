import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { barsFromHlcv, loadAaplBars } from '../../test/support/fixtures';
import { refStochastic } from '../../test/support/reference';
import { computeStochastic, Stochastic } from './stochastic';

describe('Stochastic', () => {
  it('computes fast %K and %D = SMA(3) of %K by hand', () => {
    // kPeriod 2, dPeriod 2. Windows: bars 0–1 HH 12 LL 8 → %K(1) = 100·(11−8)/4 = 75;
    // bars 1–2 HH 14 LL 9 → %K(2) = 100·(10−9)/5 = 20; %D(2) = (75+20)/2 = 47.5.
    const bars = barsFromHlcv([
      [10, 8, 9, 100],
      [12, 9, 11, 100],
      [14, 10, 10, 100],
    ]);
    const series = computeStochastic(bars, { kPeriod: 2, dPeriod: 2 });
    expectSeriesClose(series.k, [Number.NaN, Number.NaN, 20], 1e-12);
    expectSeriesClose(series.d, [Number.NaN, Number.NaN, 47.5], 1e-12);
  });

  it('matches the definition on AAPL 2022–2023 (14, 3)', () => {
    const bars = loadAaplBars();
    const series = computeStochastic(bars);
    const expected = refStochastic(bars);
    expectSeriesClose(series.k, expected.k);
    expectSeriesClose(series.d, expected.d);
  });

  it('stays within [0, 100] and matches the definition on random bars, streaming equal to batch', () => {
    fc.assert(
      fc.property(
        arbBars(1, 120),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5 }),
        (bars, k, d) => {
          const series = computeStochastic(bars, { kPeriod: k, dPeriod: d });
          const expected = refStochastic(bars, k, d);
          expectSeriesClose(series.k, expected.k);
          expectSeriesClose(series.d, expected.d);
          const stochastic = new Stochastic({ kPeriod: k, dPeriod: d });
          bars.forEach((bar, i) => {
            const value = stochastic.update(bar);
            expect(value?.k ?? Number.NaN).toBe(series.k[i]);
            if (value) expect(value.k >= 0 && value.k <= 100 && value.d >= 0 && value.d <= 100).toBe(true);
          });
        },
      ),
    );
  });
});
