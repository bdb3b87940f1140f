import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbBars } from '../../test/support/arbitraries';
import { barsFromCloses, loadAaplBars } from '../../test/support/fixtures';
import { detectDoubleTopsBottoms } from './double-top-bottom';

const steps = (from: number, to: number, by: number) => {
  const out: number[] = [];
  for (let x = from; by > 0 ? x <= to : x >= to; x += by) out.push(x);
  return out;
};

// Peak 120 at bar 10, trough 108 at bar 16, peak 120 at bar 22, then a slide: the first close below 108 is bar 29.
const DOUBLE_TOP = [
  ...steps(100, 120, 2),
  ...steps(118, 108, -2),
  ...steps(110, 120, 2),
  ...steps(118, 104, -2),
];

describe('DoubleTopBottom', () => {
  it('confirms a clean double top on the neckline break, not before', () => {
    const events = detectDoubleTopsBottoms(barsFromCloses(DOUBLE_TOP), { swingLookback: 3 });
    expect(events).toHaveLength(1);
    const [top] = events;
    expect(top).toMatchObject({ kind: 'doubleTop', barIndex: 29, neckline: 108 });
    expect([top!.first.barIndex, top!.first.price, top!.second.barIndex, top!.second.price]).toEqual([
      10, 120, 22, 120,
    ]);
  });

  it('confirms the mirrored double bottom on the break above its neckline', () => {
    const events = detectDoubleTopsBottoms(barsFromCloses(DOUBLE_TOP.map((c) => 200 - c)), {
      swingLookback: 3,
    });
    expect(events.map((e) => [e.kind, e.barIndex, e.neckline, e.first.barIndex, e.second.barIndex])).toEqual([
      ['doubleBottom', 29, 92, 10, 22],
    ]);
  });

  it('rejects peaks further apart than the tolerance, and a trough that is too shallow', () => {
    const unequal = [
      ...steps(100, 120, 2),
      ...steps(118, 108, -2),
      ...steps(110, 130, 2),
      ...steps(128, 100, -2),
    ];
    expect(detectDoubleTopsBottoms(barsFromCloses(unequal), { swingLookback: 3 })).toEqual([]);
    expect(detectDoubleTopsBottoms(barsFromCloses(DOUBLE_TOP), { swingLookback: 3, minDepth: 0.15 })).toEqual(
      [],
    );
  });

  it('is voided when price runs above the peaks before the neckline breaks', () => {
    const failed = [...DOUBLE_TOP.slice(0, 26), ...steps(116, 130, 2), ...steps(128, 100, -2)];
    expect(
      detectDoubleTopsBottoms(barsFromCloses(failed), { swingLookback: 3 }).filter(
        (e) => e.second.barIndex === 22,
      ),
    ).toEqual([]);
  });

  it('every event satisfies the definition (random bars and AAPL)', () => {
    const check = (bars: ReturnType<typeof loadAaplBars>) => {
      for (const e of detectDoubleTopsBottoms(bars, { swingLookback: 3 })) {
        const between = bars.slice(e.first.barIndex + 1, e.second.barIndex);
        const close = bars[e.barIndex]!.close;
        const [a, b] = [e.first.price, e.second.price];
        expect(Math.abs(a - b)).toBeLessThanOrEqual(0.02 * Math.max(a, b) + 1e-9);
        expect(e.barIndex).toBeGreaterThanOrEqual(e.second.confirmedAtIndex);
        if (e.kind === 'doubleTop') {
          expect(e.neckline).toBe(Math.min(...between.map((x) => x.low)));
          expect(close).toBeLessThan(e.neckline);
        } else {
          expect(e.neckline).toBe(Math.max(...between.map((x) => x.high)));
          expect(close).toBeGreaterThan(e.neckline);
        }
      }
    };
    fc.assert(fc.property(arbBars(1, 200), check), { numRuns: 60 });
    check(loadAaplBars());
  });
});
