import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median } from './stats';

function sortedMedian(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = Float64Array.from(xs).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('selection gives the bits of a full sort (duplicates, signed zeros, NaN)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -1, max: 1, noNaN: true }),
            fc.constantFrom(0, -0, 0.25, -0.25, Number.NaN),
          ),
          { maxLength: 300 },
        ),
        (xs) => {
          expect(Object.is(median(xs), sortedMedian(xs))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
