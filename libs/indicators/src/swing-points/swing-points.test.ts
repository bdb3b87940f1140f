import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromHlcv } from '../../test/support/fixtures';
import type { OhlcvBar } from '../bar';
import { findSwingPoints } from './swing-points';

/** Brute force from the definition, over the whole series (knows the future; only for checking). */
function bruteForce(bars: readonly OhlcvBar[], lookback: number) {
  const found: { kind: string; barIndex: number }[] = [];
  for (let i = lookback; i + lookback < bars.length; i++) {
    const left = bars.slice(i - lookback, i);
    const right = bars.slice(i + 1, i + lookback + 1);
    const bar = bars[i]!;
    if (left.every((b) => bar.high > b.high) && right.every((b) => bar.high >= b.high)) {
      found.push({ kind: 'high', barIndex: i });
    }
    if (left.every((b) => bar.low < b.low) && right.every((b) => bar.low <= b.low)) {
      found.push({ kind: 'low', barIndex: i });
    }
  }
  return found;
}

describe('SwingDetector', () => {
  it('finds swing highs and lows by hand and reports them lookback bars later', () => {
    const highs = [1, 2, 3, 2, 1, 2, 5, 2, 1];
    const bars = barsFromHlcv(highs.map((h) => [h, h - 0.5, h - 0.25, 10] as const));
    const swings = findSwingPoints(bars, 2);
    expect(swings.map((s) => [s.kind, s.barIndex, s.price, s.confirmedAtIndex])).toEqual([
      ['high', 2, 3, 4],
      ['low', 4, 0.5, 6],
      ['high', 6, 5, 8],
    ]);
  });

  it('counts a flat top once, at its first bar', () => {
    const bars = barsFromHlcv([1, 3, 3, 1, 0].map((h) => [h, h - 1, h - 0.5, 10] as const));
    expect(
      findSwingPoints(bars, 1)
        .filter((s) => s.kind === 'high')
        .map((s) => s.barIndex),
    ).toEqual([1]);
  });

  it('equals the brute-force definition on random bars, each known exactly lookback bars later', () => {
    fc.assert(
      fc.property(arbBars(1, 120), fc.integer({ min: 1, max: 6 }), (bars, lookback) => {
        const swings = findSwingPoints(bars, lookback);
        const sortKey = (s: { barIndex: number; kind: string }) =>
          s.barIndex * 2 + (s.kind === 'high' ? 0 : 1);
        expect(
          swings.map((s) => ({ kind: s.kind, barIndex: s.barIndex })).sort((a, b) => sortKey(a) - sortKey(b)),
        ).toEqual(bruteForce(bars, lookback));
        for (const swing of swings) expect(swing.confirmedAtIndex).toBe(swing.barIndex + lookback);
      }),
    );
  });
});
