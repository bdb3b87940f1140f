import { expect } from 'vitest';

/** Element-wise equality of two aligned series: NaN where the other is NaN, else within a relative tolerance. */
export function expectSeriesClose(
  actual: readonly number[],
  expected: readonly number[],
  relTol = 1e-9,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) {
      if (!Number.isNaN(a)) expect.fail(`index ${i}: expected NaN (warm-up), got ${a}`);
      continue;
    }
    if (!(Math.abs(a - e) <= relTol * Math.max(1, Math.abs(e))))
      expect.fail(`index ${i}: expected ${e}, got ${a}`);
  }
}
