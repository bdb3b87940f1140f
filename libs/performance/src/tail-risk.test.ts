import { describe, expect, it } from 'vitest';
import { historicalTailRisk } from './tail-risk';

describe('historicalTailRisk (nearest rank)', () => {
  // 40 returns: −5%, −3%, −2% and 37 days of +1%
  const returns = [-0.05, -0.03, -0.02, ...Array<number>(37).fill(0.01)];

  it('95%: k = ⌈40 × 0.05⌉ = 2 worst days', () => {
    const tail = historicalTailRisk(returns, 0.05)!;
    expect(tail.valueAtRisk).toBeCloseTo(0.03, 12); // 2nd worst
    expect(tail.conditionalValueAtRisk).toBeCloseTo(0.04, 12); // (0.05 + 0.03) / 2
  });

  it('99%: k = ⌈40 × 0.01⌉ = ⌈0.4⌉ = 1 worst day', () => {
    const tail = historicalTailRisk(returns, 0.01)!;
    expect(tail.valueAtRisk).toBeCloseTo(0.05, 12);
    expect(tail.conditionalValueAtRisk).toBeCloseTo(0.05, 12);
  });

  it('does not round n × p = 1.0000000000000009 up to 2', () => {
    // 20 × (1 − 0.95) is 1.0000000000000009 in floating point; k must still be 1
    const twenty = [-0.04, -0.01, ...Array<number>(18).fill(0.02)];
    expect(historicalTailRisk(twenty, 1 - 0.95)!.valueAtRisk).toBeCloseTo(0.04, 12);
  });

  it('is null without returns', () => {
    expect(historicalTailRisk([], 0.05)).toBeNull();
  });
});
