import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromHlcv, loadAaplBars } from '../../test/support/fixtures';
import { refObv } from '../../test/support/reference';
import type { OhlcvBar } from '../bar';
import { computeObv, OnBalanceVolume } from './obv';

describe('OnBalanceVolume', () => {
  it('adds volume on up closes and subtracts it on down closes (hand-checked)', () => {
    const bars = barsFromHlcv([
      [10, 9, 10, 100],
      [11, 10, 11, 200],
      [11, 10, 10.5, 50],
      [11, 10, 10.5, 70],
    ]);
    expect(computeObv(bars)).toEqual([0, 200, 150, 150]);
  });

  it('matches the definition on AAPL 2022–2023', () => {
    const bars = loadAaplBars();
    expect(computeObv(bars)).toEqual(refObv(bars));
  });

  it('changes by exactly ±volume or 0 with the sign of the close change', () => {
    fc.assert(
      fc.property(arbBars(2, 100), (bars) => {
        const obv = new OnBalanceVolume();
        let previous = obv.update(bars[0] as OhlcvBar) as number;
        for (let i = 1; i < bars.length; i++) {
          const bar = bars[i] as OhlcvBar;
          const change = (obv.update(bar) as number) - previous;
          const direction = Math.sign(bar.close - (bars[i - 1] as OhlcvBar).close);
          expect(change === direction * bar.volume).toBe(true);
          previous += change;
        }
      }),
    );
  });
});
