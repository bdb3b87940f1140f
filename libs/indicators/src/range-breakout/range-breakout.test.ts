import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromHlcv } from '../../test/support/fixtures';
import { detectBreakouts, RangeBreakout } from './range-breakout';

const range = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => [101, 99, i % 2 === 0 ? 100.5 : 99.5, 1_000] as [number, number, number, number],
  );

describe('RangeBreakout', () => {
  it('reports an up breakout when the close clears the 20-bar high on 2× volume', () => {
    const bars = barsFromHlcv([...range(25), [103.5, 100, 103, 2_000]]);
    const events = detectBreakouts(bars);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      direction: 'up',
      barIndex: 25,
      level: 101,
      close: 103,
      volumeRatio: 2,
    });
  });

  it('ignores the same break on ordinary volume', () => {
    expect(detectBreakouts(barsFromHlcv([...range(25), [103.5, 100, 103, 1_000]]))).toEqual([]);
  });

  it('reports a down breakout below the range low', () => {
    const events = detectBreakouts(barsFromHlcv([...range(20), [99.5, 96, 97, 3_000]]));
    expect(events.map((e) => [e.direction, e.barIndex, e.level])).toEqual([['down', 20, 99]]);
  });

  it('needs n previous bars and never compares a bar with its own high', () => {
    const detector = new RangeBreakout({ period: 3, volumeMultiple: 0 });
    const bars = barsFromHlcv([...range(3), [120, 100, 119, 1_000]]);
    expect(bars.slice(0, 3).map((b) => detector.update(b))).toEqual([undefined, undefined, undefined]);
    expect(detector.update(bars[3]!)?.level).toBe(101);
  });

  it('every event closes beyond the previous n bars with enough volume (random bars)', () => {
    fc.assert(
      fc.property(arbBars(1, 120), fc.integer({ min: 1, max: 15 }), (bars, n) => {
        for (const e of detectBreakouts(bars, { period: n, volumeMultiple: 1.5 })) {
          const previous = bars.slice(e.barIndex - n, e.barIndex);
          const bar = bars[e.barIndex]!;
          const average = previous.reduce((s, b) => s + b.volume, 0) / n;
          expect(bar.volume).toBeGreaterThanOrEqual(1.5 * average);
          if (e.direction === 'up')
            expect(bar.close).toBeGreaterThan(Math.max(...previous.map((b) => b.high)));
          else expect(bar.close).toBeLessThan(Math.min(...previous.map((b) => b.low)));
        }
      }),
    );
  });
});
