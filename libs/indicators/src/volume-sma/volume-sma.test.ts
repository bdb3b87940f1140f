import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { expectSeriesClose } from '../../test/support/expect-close';
import { loadAaplBars } from '../../test/support/fixtures';
import { refSma } from '../../test/support/reference';
import { computeVolumeSma, VolumeSma } from './volume-sma';

describe('VolumeSma', () => {
  it('averages bar volume over n bars on AAPL 2022–2023', () => {
    const bars = loadAaplBars();
    expectSeriesClose(
      computeVolumeSma(bars),
      refSma(
        bars.map((b) => b.volume),
        20,
      ),
    );
  });

  it('streaming equals batch on random bars', () => {
    fc.assert(
      fc.property(arbBars(1, 80), fc.integer({ min: 1, max: 10 }), (bars, period) => {
        const batch = computeVolumeSma(bars, period);
        const indicator = new VolumeSma(period);
        bars.forEach((bar, i) => {
          expect(indicator.update(bar) ?? Number.NaN).toBe(batch[i]);
        });
      }),
    );
  });
});
