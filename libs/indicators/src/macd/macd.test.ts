import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCloses } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { loadAaplBars } from '../../test/support/fixtures';
import { refMacd, refMacdTaLibSeed } from '../../test/support/reference';
import { InvalidIndicatorParameterError } from '../streaming';
import { computeMacd, Macd } from './macd';

describe('Macd', () => {
  it('matches EMA12 − EMA26 with an EMA9 signal on AAPL 2022–2023, first value at bar 33', () => {
    const closes = loadAaplBars().map((b) => b.close);
    const series = computeMacd(closes);
    const expected = refMacd(closes);
    expectSeriesClose(series.macd, expected.macd);
    expectSeriesClose(series.signal, expected.signal);
    expectSeriesClose(series.histogram, expected.histogram);
    expect(Number.isNaN(series.macd[32])).toBe(true);
    expect(Number.isNaN(series.macd[33])).toBe(false);
  });

  it("converges to TA-Lib's seeding (fast EMA on bars 14–25) within 1e-8 from bar 149 on AAPL 2022–2023", () => {
    // The README's claim, measured: the seed gap decays as (11/13)^t through the fast EMA, then through the signal.
    const closes = loadAaplBars().map((b) => b.close);
    const ours = computeMacd(closes);
    const taLib = refMacdTaLibSeed(closes);
    const gap = (i: number) =>
      Math.max(
        Math.abs((ours.macd[i] as number) - (taLib.macd[i] as number)),
        Math.abs((ours.signal[i] as number) - (taLib.signal[i] as number)),
        Math.abs((ours.histogram[i] as number) - (taLib.histogram[i] as number)),
      );
    expect(Number.isNaN(taLib.macd[32] as number) && !Number.isNaN(taLib.macd[33] as number)).toBe(true);
    expect(gap(33)).toBeGreaterThan(1);
    expect(gap(148)).toBeGreaterThan(1e-8);
    for (let i = 149; i < closes.length; i++) expect(gap(i)).toBeLessThanOrEqual(1e-8);
  });

  it('matches the definition on random series with random periods; histogram = line − signal', () => {
    fc.assert(
      fc.property(
        arbCloses(1, 150),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 9 }),
        (closes, fast, extra, signal) => {
          const slow = fast + extra;
          const series = computeMacd(closes, { fast, slow, signal });
          const expected = refMacd(closes, fast, slow, signal);
          expectSeriesClose(series.macd, expected.macd);
          expectSeriesClose(series.signal, expected.signal);
          series.histogram.forEach((h, i) => {
            if (!Number.isNaN(h)) expect(h).toBe((series.macd[i] as number) - (series.signal[i] as number));
          });
          const macd = new Macd({ fast, slow, signal });
          closes.forEach((c, i) => {
            expect(macd.update(c)?.macd ?? Number.NaN).toBe(series.macd[i]);
          });
        },
      ),
    );
  });

  it('rejects fast ≥ slow', () => {
    expect(() => new Macd({ fast: 26, slow: 12 })).toThrow(InvalidIndicatorParameterError);
  });
});
