import { describe, expect, it } from 'vitest';
import { percentile } from './report';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const sample = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(sample, 50)).toBe(5);
    expect(percentile(sample, 99)).toBe(10);
    expect(percentile(sample, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});
