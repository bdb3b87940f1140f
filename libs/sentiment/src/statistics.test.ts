import { describe, expect, it } from 'vitest';
import { bootstrapMacroF1, calibration, wilsonInterval } from './statistics';

describe('statistics', () => {
  it('Wilson interval of 8/10 is [0.490, 0.943] (textbook value)', () => {
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
  });

  it('bootstrap macro-F1 interval contains the point value and is reproducible', () => {
    const actual = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'a', 'b', 'b'] as const;
    const predicted = ['a', 'b', 'a', 'a', 'a', 'b', 'b', 'a', 'b', 'b'] as const;
    const ci = bootstrapMacroF1(['a', 'b'], actual, predicted, 500, 3);
    expect(ci[0]).toBeLessThan(0.8);
    expect(ci[1]).toBeGreaterThan(0.8);
    expect(bootstrapMacroF1(['a', 'b'], actual, predicted, 500, 3)).toEqual(ci);
  });

  it('calibration: a perfectly confident right model has ECE 0 and Brier 0; a 0.9 guess right half the time, ECE 0.4', () => {
    expect(
      calibration(
        [
          [1, 0],
          [0, 1],
        ],
        [0, 1],
      ),
    ).toMatchObject({ ece: 0, brier: 0 });
    const c = calibration(
      [
        [0.9, 0.1],
        [0.9, 0.1],
      ],
      [0, 1],
    );
    expect(c.ece).toBeCloseTo(0.4, 12);
    expect(c.brier).toBeCloseTo((0.01 + 0.01 + 0.81 + 0.81) / 2, 12);
    expect(c.bins).toEqual([{ from: 0.9, to: 1, count: 2, meanConfidence: 0.9, accuracy: 0.5 }]);
  });
});
