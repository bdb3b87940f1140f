import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromCloses, loadAaplBars } from '../../test/support/fixtures';
import type { OhlcvBar } from '../bar';
import type { SwingPoint } from '../swing-points/swing-points';
import { clusterSwings, computeSupportResistance, SupportResistance } from './support-resistance';

/** Closes stepping by 1 through the given turning points. */
function zigzag(points: readonly number[]): number[] {
  const closes = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const target = points[i]!;
    let price = closes.at(-1)!;
    while (price !== target) {
      price += Math.sign(target - price);
      closes.push(price);
    }
  }
  return closes;
}

const swing = (price: number, barIndex: number): SwingPoint => ({
  kind: 'high',
  barIndex,
  ts: '',
  price,
  confirmedAtIndex: barIndex + 1,
});

describe('SupportResistance', () => {
  it('clusters swing prices within tolerance; strength = touches', () => {
    const levels = clusterSwings(
      [swing(100, 1), swing(110, 2), swing(100.5, 3), swing(99.8, 4), swing(110.4, 5)],
      1,
    );
    expect(levels.map((l) => [Number(l.price.toFixed(6)), l.touches, l.lastTouchIndex])).toEqual([
      [100.1, 3, 4],
      [110.2, 2, 5],
    ]);
  });

  it('finds support at 100 and resistance at 110 in a range, price at 105', () => {
    const bars = barsFromCloses(zigzag([100, 110, 100, 110, 100, 110, 105]));
    const sr = new SupportResistance({ swingLookback: 3, tolerancePct: 0.01 });
    let value: ReturnType<SupportResistance['update']>;
    for (const bar of bars) value = sr.update(bar);
    expect(value?.nearestSupport?.price).toBe(100);
    expect(value?.nearestSupport?.touches).toBe(2);
    expect(value?.nearestResistance?.price).toBe(110);
    expect(value?.nearestResistance?.touches).toBe(3);
  });

  it('support is below and resistance above the close, on random bars and on AAPL', () => {
    const check = (bars: ReturnType<typeof loadAaplBars>) => {
      computeSupportResistance(bars, { swingLookback: 3 }).forEach((value, i) => {
        if (!value) return;
        const close = bars[i]!.close;
        if (value.nearestSupport) expect(value.nearestSupport.price).toBeLessThan(close);
        if (value.nearestResistance) expect(value.nearestResistance.price).toBeGreaterThan(close);
        for (const level of value.levels) expect(level.lastTouchIndex).toBeLessThanOrEqual(i - 3);
      });
    };
    fc.assert(fc.property(arbBars(1, 150), check), { numRuns: 50 });
    check(loadAaplBars());
  });

  it("nearestLevels gives getResult's nearest support and resistance, bar by bar, read or not in between", () => {
    const check = (bars: readonly OhlcvBar[]) => {
      const full = new SupportResistance();
      const nearest = new SupportResistance();
      bars.forEach((bar, i) => {
        full.push(bar);
        nearest.push(bar);
        // Read getResult first on some bars: nearestLevels then reuses the built value.
        if (i % 3 === 0) nearest.getResult();
        const value = full.getResult();
        expect(nearest.nearestLevels()).toEqual(
          value === undefined
            ? undefined
            : {
                supportPrice: value.nearestSupport?.price,
                supportTouches: value.nearestSupport?.touches,
                resistancePrice: value.nearestResistance?.price,
                resistanceTouches: value.nearestResistance?.touches,
              },
        );
      });
    };
    fc.assert(fc.property(arbBars(1, 200), check), { numRuns: 50 });
    check(loadAaplBars());
  });
});
