import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromHlcv, loadAaplBars } from '../../test/support/fixtures';
import { computeVolumeProfile, VolumeProfile } from './volume-profile';

describe('VolumeProfile', () => {
  it('spreads volume over each bar range and finds POC and the 70% value area (hand-checked)', () => {
    // 4 buckets of 0.5 over [10, 12]: bar 10–12 gives 25 to each, bar 11–12 gives 150 to the two upper ones,
    // bar at 10 gives 50 to the lowest → [75, 25, 175, 175], total 450. POC: first fullest = [11, 11.5].
    // Value area target 315: 175, then the fuller neighbour above (175) → 350, spanning [11, 12].
    const profile = new VolumeProfile({ window: 3, buckets: 4 });
    const bars = barsFromHlcv([
      [12, 10, 11, 100],
      [12, 11, 11.5, 300],
      [10, 10, 10, 50],
    ]);
    expect(profile.update(bars[0]!)).toBeUndefined();
    profile.update(bars[1]!);
    const value = profile.update(bars[2]!)!;
    expect(value.buckets.map((b) => b.volume)).toEqual([75, 25, 175, 175]);
    expect(value.buckets.map((b) => [b.low, b.high])).toEqual([
      [10, 10.5],
      [10.5, 11],
      [11, 11.5],
      [11.5, 12],
    ]);
    expect(value.pointOfControl).toBe(11.25);
    expect(value.valueAreaLow).toBe(11);
    expect(value.valueAreaHigh).toBe(12);
    expect(value.totalVolume).toBe(450);
    expect(profile.getSummary()).toEqual({
      pointOfControl: 11.25,
      valueAreaHigh: 12,
      valueAreaLow: 11,
      totalVolume: 450,
    });
  });

  it('puts everything in one bucket when the window never moved', () => {
    const bars = barsFromHlcv([
      [5, 5, 5, 10],
      [5, 5, 5, 20],
    ]);
    const value = computeVolumeProfile(bars, { window: 2 })[1]!;
    expect(value.buckets).toEqual([{ low: 5, high: 5, volume: 30 }]);
    expect([value.pointOfControl, value.valueAreaLow, value.valueAreaHigh]).toEqual([5, 5, 5]);
  });

  it('rolling window equals a fresh profile of the last n bars; volume conserved; VAL ≤ POC ≤ VAH', () => {
    fc.assert(
      fc.property(
        arbBars(1, 80),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 12 }),
        (bars, n, b) => {
          const rolling = computeVolumeProfile(bars, { window: n, buckets: b });
          bars.forEach((_, i) => {
            const value = rolling[i];
            if (i < n - 1) {
              expect(value).toBeUndefined();
              return;
            }
            const fresh = computeVolumeProfile(bars.slice(i - n + 1, i + 1), { window: n, buckets: b })[
              n - 1
            ];
            expect(value).toEqual(fresh);
            const bucketTotal = value!.buckets.reduce((sum, bucket) => sum + bucket.volume, 0);
            expect(Math.abs(bucketTotal - value!.totalVolume)).toBeLessThanOrEqual(
              1e-6 * Math.max(1, value!.totalVolume),
            );
            expect(value!.valueAreaLow).toBeLessThanOrEqual(value!.pointOfControl);
            expect(value!.pointOfControl).toBeLessThanOrEqual(value!.valueAreaHigh);
            const inArea = value!.buckets
              .filter((bucket) => bucket.low >= value!.valueAreaLow && bucket.high <= value!.valueAreaHigh)
              .reduce((sum, bucket) => sum + bucket.volume, 0);
            expect(inArea).toBeGreaterThanOrEqual(0.7 * value!.totalVolume * (1 - 1e-9));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('on AAPL, the value area of the last 50 bars contains the POC and lies within the window range', () => {
    const bars = loadAaplBars();
    const value = computeVolumeProfile(bars).at(-1)!;
    const window = bars.slice(-50);
    expect(value.valueAreaLow).toBeGreaterThanOrEqual(Math.min(...window.map((b) => b.low)));
    expect(value.valueAreaHigh).toBeLessThanOrEqual(Math.max(...window.map((b) => b.high)));
    expect(value.totalVolume).toBe(window.reduce((sum, b) => sum + b.volume, 0));
  });
});
