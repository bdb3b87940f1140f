import { describe, expect, it } from 'vitest';
import { InvalidTimeScaleError, testTimeScale } from '../time-scale';

describe('ATS_TEST_TIME_SCALE', () => {
  it('is 1 when unset or blank, the number otherwise', () => {
    expect(testTimeScale({})).toBe(1);
    expect(testTimeScale({ ATS_TEST_TIME_SCALE: ' ' })).toBe(1);
    expect(testTimeScale({ ATS_TEST_TIME_SCALE: '2.5' })).toBe(2.5);
  });

  it('refuses what would shorten deadlines or is not a number', () => {
    for (const value of ['0.5', '0', '-1', 'fast', 'Infinity'])
      expect(() => testTimeScale({ ATS_TEST_TIME_SCALE: value })).toThrow(InvalidTimeScaleError);
  });
});
