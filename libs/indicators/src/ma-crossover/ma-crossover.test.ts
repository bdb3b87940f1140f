import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromCloses, loadAaplBars } from '../../test/support/fixtures';
import { refSma } from '../../test/support/reference';
import type { OhlcvBar } from '../bar';
import { CROSS_TOUCH_TOLERANCE, detectMaCrossovers } from './ma-crossover';

/** Crosses from the definition: the sign of fast − slow flips against its last non-zero value. */
function bruteForce(bars: readonly OhlcvBar[], fast: number, slow: number) {
  const closes = bars.map((b) => b.close);
  const f = refSma(closes, fast);
  const s = refSma(closes, slow);
  const crosses: { kind: string; barIndex: number }[] = [];
  let last = 0;
  for (let i = 0; i < closes.length; i++) {
    const gap = f[i]! - s[i]!;
    const sign = Math.abs(gap) <= CROSS_TOUCH_TOLERANCE * Math.abs(s[i]!) ? 0 : Math.sign(gap);
    if (Number.isNaN(sign) || sign === 0) continue;
    if (last !== 0 && sign !== last) crosses.push({ kind: sign > 0 ? 'golden' : 'death', barIndex: i });
    last = sign;
  }
  return crosses;
}

describe('MaCrossover', () => {
  it('reports a golden cross at a known bar, then a death cross', () => {
    // Falling 20→11 keeps SMA3 below SMA5; at bar 10 (close 30): SMA3 = 17.67 > SMA5 = 16 → golden.
    // Then a crash to 1: at bar 13 SMA3 = (30+30+1)/3 = 20.33 < SMA5 = (11+30+30+30+1)/5 = 20.4 → death.
    const closes = [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 30, 30, 30, 1, 1];
    const events = detectMaCrossovers(barsFromCloses(closes), { fast: 3, slow: 5 });
    expect(events.map((e) => [e.kind, e.barIndex])).toEqual([
      ['golden', 10],
      ['death', 13],
    ]);
    expect(events[0]!.fast).toBeCloseTo(53 / 3, 12);
    expect(events[0]!.slow).toBeCloseTo(16, 12);
  });

  it('equals the brute-force definition on random bars and AAPL 50/200', () => {
    fc.assert(
      fc.property(
        arbBars(1, 150),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        (bars, f, extra) => {
          const found = detectMaCrossovers(bars, { fast: f, slow: f + extra });
          expect(found.map((e) => ({ kind: e.kind, barIndex: e.barIndex }))).toEqual(
            bruteForce(bars, f, f + extra),
          );
        },
      ),
    );
    const aapl = loadAaplBars();
    const found = detectMaCrossovers(aapl);
    expect(found.map((e) => ({ kind: e.kind, barIndex: e.barIndex }))).toEqual(bruteForce(aapl, 50, 200));
    expect(found.length).toBeGreaterThan(0);
  });

  it('sees no cross while prices are flat (rounding noise is not a cross)', () => {
    // A fall into a flat 1.1: once both windows hold only 1.1 (bar 10 on) the rolling sums leave SMA3 and SMA7 a few
    // ulps apart, which without the touch tolerance read as a golden cross at bar 12.
    const closes = [200.3, 200.3 * 1.01, 200.3, 200.3 * 1.02, ...new Array(30).fill(1.1)];
    const events = detectMaCrossovers(barsFromCloses(closes), { fast: 3, slow: 7 });
    expect(events.filter((e) => e.barIndex >= 10)).toEqual([]);
  });

  it('can use EMAs', () => {
    const closes = [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 30, 30, 30];
    expect(detectMaCrossovers(barsFromCloses(closes), { fast: 3, slow: 5, average: 'ema' })[0]?.kind).toBe(
      'golden',
    );
  });
});
