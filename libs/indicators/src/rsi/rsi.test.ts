import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCloses } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { loadAaplBars } from '../../test/support/fixtures';
import { refRsi } from '../../test/support/reference';
import { InvalidIndicatorParameterError } from '../streaming';
import { computeRsi, RelativeStrengthIndex } from './rsi';

/**
 * The worked RSI(14) example of StockCharts ChartSchool ("Relative Strength Index (RSI)", spreadsheet cs-rsi.xls), in
 * Wilder's method: closes and the published RSI values, first computable on the 15th close at 70.53.
 */
const CHARTSCHOOL_CLOSES = [
  44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328,
  45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515,
  45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
];
const CHARTSCHOOL_RSI = [
  70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
  45.46, 37.3,
];

describe('RelativeStrengthIndex', () => {
  it('reproduces the published Wilder RSI(14) example (70.53 on the first computable bar)', () => {
    const rsi = computeRsi(CHARTSCHOOL_CLOSES, 14);
    expect(rsi.slice(0, 14).every(Number.isNaN)).toBe(true);
    CHARTSCHOOL_RSI.forEach((published, i) => {
      expect(rsi[14 + i]).toBeCloseTo(published, 2);
    });
  });

  it('matches Wilder smoothing seeded with the SMA of the first n changes on AAPL 2022–2023', () => {
    const closes = loadAaplBars().map((b) => b.close);
    for (const period of [2, 14, 30]) expectSeriesClose(computeRsi(closes, period), refRsi(closes, period));
  });

  it('stays within [0, 100] and matches the definition on random series', () => {
    fc.assert(
      fc.property(arbCloses(1, 150), fc.integer({ min: 2, max: 20 }), (closes, period) => {
        const batch = computeRsi(closes, period);
        expectSeriesClose(batch, refRsi(closes, period), 1e-8);
        for (const value of batch) if (!Number.isNaN(value)) expect(value >= 0 && value <= 100).toBe(true);
        const rsi = new RelativeStrengthIndex(period);
        closes.forEach((c, i) => {
          expect(rsi.update(c) ?? Number.NaN).toBe(batch[i]);
        });
      }),
    );
  });

  it('rejects periods below 2', () => {
    expect(() => new RelativeStrengthIndex(1)).toThrow(InvalidIndicatorParameterError);
  });
});
