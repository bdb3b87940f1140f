import fc from 'fast-check';
import type { OhlcvBar } from '../../src/bar';

const step = fc.record({
  ret: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
  gap: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
  up: fc.double({ min: 0, max: 0.04, noNaN: true }),
  down: fc.double({ min: 0, max: 0.04, noNaN: true }),
  volume: fc.integer({ min: 0, max: 50_000_000 }),
  flat: fc.boolean(),
});

/** Random but internally consistent daily bars (low ≤ open, close ≤ high), including flat stretches. */
export function arbBars(minLength = 1, maxLength = 300): fc.Arbitrary<OhlcvBar[]> {
  return fc.array(step, { minLength, maxLength }).map((steps) => {
    let previousClose = 100;
    return steps.map((s, i) => {
      const open = s.flat ? previousClose : previousClose * (1 + s.gap);
      const close = s.flat ? previousClose : open * (1 + s.ret);
      const high = s.flat ? close : Math.max(open, close) * (1 + s.up);
      const low = s.flat ? close : Math.min(open, close) * (1 - s.down);
      previousClose = close;
      return {
        ts: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
        open,
        high,
        low,
        close,
        volume: s.volume,
      };
    });
  });
}

/** Random closes as a geometric random walk (positive prices). */
export function arbCloses(minLength = 1, maxLength = 300): fc.Arbitrary<number[]> {
  return arbBars(minLength, maxLength).map((bars) => bars.map((b) => b.close));
}
