import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCloses } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { loadAaplBars } from '../../test/support/fixtures';
import { refSma } from '../../test/support/reference';
import { InvalidIndicatorParameterError } from '../streaming';
import { computeSma, SimpleMovingAverage } from './sma';

describe('SimpleMovingAverage', () => {
  it('averages 1..5 by hand', () => {
    expect(computeSma([1, 2, 3, 4, 5], 3)).toEqual([Number.NaN, Number.NaN, 2, 3, 4]);
    expect(computeSma([1, 2, 3, 4, 5], 5).at(-1)).toBe(3);
  });

  it('is undefined until the window is full', () => {
    const sma = new SimpleMovingAverage(2);
    expect(sma.update(10)).toBeUndefined();
    expect(sma.isStable).toBe(false);
    expect(sma.update(20)).toBe(15);
    expect(sma.isStable).toBe(true);
    expect(sma.getResult()).toBe(15);
  });

  it('matches the definition on AAPL 2022–2023 closes', () => {
    const closes = loadAaplBars().map((b) => b.close);
    for (const period of [5, 20, 50, 200])
      expectSeriesClose(computeSma(closes, period), refSma(closes, period));
  });

  it('matches the definition on random series, streaming equal to batch', () => {
    fc.assert(
      fc.property(arbCloses(1, 120), fc.integer({ min: 1, max: 30 }), (closes, period) => {
        const batch = computeSma(closes, period);
        expectSeriesClose(batch, refSma(closes, period));
        const sma = new SimpleMovingAverage(period);
        closes.forEach((c, i) => {
          expect(sma.update(c) ?? Number.NaN).toBe(batch[i]);
        });
      }),
    );
  });

  it('does not drift over a long stream of awkward values', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => 1e6 + Math.sin(i) * 1e-3 + (i % 7) * 0.1);
    const batch = computeSma(values, 50);
    for (const i of [49, 50_000, 99_999]) {
      const exact = values.slice(i - 49, i + 1).reduce((a, b) => a + b, 0) / 50;
      expect(Math.abs((batch[i] as number) - exact)).toBeLessThan(1e-9);
    }
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => new SimpleMovingAverage(0)).toThrow(InvalidIndicatorParameterError);
    expect(() => new SimpleMovingAverage(2.5)).toThrow(InvalidIndicatorParameterError);
  });
});
