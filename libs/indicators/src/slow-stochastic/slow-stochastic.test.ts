import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { barsFromCloses, barsFromHlcv, loadAaplBars } from '../../test/support/fixtures';
import type { OhlcvBar } from '../bar';
import { InvalidIndicatorParameterError } from '../streaming';
import { computeSlowStochastic, SlowStochastic } from './slow-stochastic';

/**
 * Slow stochastic from the textbook definition (Lane; TA-Lib STOCH with SMA smoothing), recomputing every window:
 * fast %K = 100 (close − LL) / (HH − LL) over n bars (0 when HH = LL, as TA-Lib), slow %K = SMA(s) of fast %K,
 * slow %D = SMA(d) of slow %K; both NaN until %D exists (TA-Lib lookback n + s + d − 3).
 */
function refSlowStochastic(bars: readonly OhlcvBar[], n = 14, s = 3, d = 3) {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fastK = bars.map((bar, i) => {
    if (i < n - 1) return Number.NaN;
    const window = bars.slice(i - n + 1, i + 1);
    const hh = Math.max(...window.map((b) => b.high));
    const ll = Math.min(...window.map((b) => b.low));
    return hh === ll ? 0 : (100 * (bar.close - ll)) / (hh - ll);
  });
  const smaOf = (xs: readonly number[], p: number, firstIndex: number) =>
    xs.map((_, i) => (i < firstIndex ? Number.NaN : mean(xs.slice(i - p + 1, i + 1))));
  const slowK = smaOf(fastK, s, n + s - 2);
  const slowD = smaOf(slowK, d, n + s + d - 3);
  return { k: slowK.map((v, i) => (Number.isNaN(slowD[i] as number) ? Number.NaN : v)), d: slowD };
}

describe('SlowStochastic', () => {
  it('smooths fast %K by hand (kPeriod 2, slowing 2, dPeriod 2)', () => {
    // Fast %K: bars 0–1 HH 12 LL 8 → 75; 1–2 HH 14 LL 9 → 20; 2–3 HH 14 LL 10 → 75; 3–4 HH 13 LL 11 → 50.
    // Slow %K = SMA2: 47.5, 47.5, 62.5 (bars 2–4); slow %D = SMA2 of those: 47.5, 55 (bars 3–4).
    const bars = barsFromHlcv([
      [10, 8, 9, 100],
      [12, 9, 11, 100],
      [14, 10, 10, 100],
      [13, 11, 13, 100],
      [13, 12, 12, 100],
    ]);
    const series = computeSlowStochastic(bars, { kPeriod: 2, slowing: 2, dPeriod: 2 });
    expectSeriesClose(series.k, [Number.NaN, Number.NaN, Number.NaN, 47.5, 62.5], 1e-12);
    expectSeriesClose(series.d, [Number.NaN, Number.NaN, Number.NaN, 47.5, 55], 1e-12);
  });

  it('matches the definition on AAPL 2022–2023 (14, 3, 3), first value at bar 17 as TA-Lib', () => {
    const bars = loadAaplBars();
    const series = computeSlowStochastic(bars);
    const expected = refSlowStochastic(bars);
    expectSeriesClose(series.k, expected.k);
    expectSeriesClose(series.d, expected.d);
    expect(Number.isNaN(series.d[16] as number)).toBe(true);
    expect(Number.isNaN(series.d[17] as number)).toBe(false);
  });

  it('reads 0 on a flat range, as TA-Lib', () => {
    const series = computeSlowStochastic(barsFromCloses(new Array(30).fill(50)));
    expect(series.k.slice(17)).toEqual(new Array(13).fill(0));
    expect(series.d.slice(17)).toEqual(new Array(13).fill(0));
  });

  it('stays within [0, 100] and matches the definition on random bars, streaming equal to batch', () => {
    fc.assert(
      fc.property(
        arbBars(1, 120),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (bars, kPeriod, slowing, dPeriod) => {
          const options = { kPeriod, slowing, dPeriod };
          const series = computeSlowStochastic(bars, options);
          const expected = refSlowStochastic(bars, kPeriod, slowing, dPeriod);
          expectSeriesClose(series.k, expected.k);
          expectSeriesClose(series.d, expected.d);
          const stochastic = new SlowStochastic(options);
          bars.forEach((bar, i) => {
            const value = stochastic.update(bar);
            expect(value?.k ?? Number.NaN).toBe(series.k[i]);
            expect(value?.d ?? Number.NaN).toBe(series.d[i]);
            if (value) expect(value.k >= 0 && value.k <= 100 && value.d >= 0 && value.d <= 100).toBe(true);
          });
          expect(stochastic.isStable).toBe(stochastic.getResult() !== undefined);
        },
      ),
    );
  });

  it('rejects periods that are not positive integers', () => {
    expect(() => new SlowStochastic({ slowing: 0 })).toThrow(InvalidIndicatorParameterError);
    expect(() => new SlowStochastic({ kPeriod: 2.5 })).toThrow(InvalidIndicatorParameterError);
  });
});
