import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCloses } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { loadAaplBars } from '../../test/support/fixtures';
import { refBollinger } from '../../test/support/reference';
import { computeSma } from '../sma/sma';
import { BollingerBands, computeBollinger } from './bollinger';

describe('BollingerBands', () => {
  it('uses the population standard deviation (hand-checked on 1..5)', () => {
    // mean 3, population variance (4+1+0+1+4)/5 = 2 → bands 3 ± 2√2.
    const value = new BollingerBands({ period: 5 });
    let last: ReturnType<BollingerBands['update']>;
    for (const x of [1, 2, 3, 4, 5]) last = value.update(x);
    expect(last?.middle).toBeCloseTo(3, 12);
    expect(last?.upper).toBeCloseTo(3 + 2 * Math.SQRT2, 12);
    expect(last?.lower).toBeCloseTo(3 - 2 * Math.SQRT2, 12);
    expect(last?.bandwidth).toBeCloseTo((4 * Math.SQRT2) / 3, 12);
    expect(last?.percentB).toBeCloseTo((5 - (3 - 2 * Math.SQRT2)) / (4 * Math.SQRT2), 12);
  });

  it('matches the definition on AAPL 2022–2023 (20, 2)', () => {
    const closes = loadAaplBars().map((b) => b.close);
    const series = computeBollinger(closes);
    const expected = refBollinger(closes);
    expectSeriesClose(series.upper, expected.upper);
    expectSeriesClose(series.middle, expected.middle);
    expectSeriesClose(series.lower, expected.lower);
  });

  it('on random series: middle = SMA, %B = (close − lower)/(upper − lower), bandwidth = width/middle', () => {
    fc.assert(
      fc.property(
        arbCloses(1, 120),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        (closes, n, k) => {
          const series = computeBollinger(closes, { period: n, k });
          const expected = refBollinger(closes, n, k);
          expectSeriesClose(series.upper, expected.upper, 1e-8);
          expectSeriesClose(series.lower, expected.lower, 1e-8);
          expectSeriesClose(series.middle, computeSma(closes, n));
          closes.forEach((close, i) => {
            const upper = series.upper[i] as number;
            const lower = series.lower[i] as number;
            if (Number.isNaN(upper)) return;
            const width = upper - lower;
            expect(series.percentB[i]).toBe(width === 0 ? 0.5 : (close - lower) / width);
            expect(series.bandwidth[i]).toBe(width / (series.middle[i] as number));
            expect(upper >= lower).toBe(true);
          });
        },
      ),
    );
  });
});
