import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correlation, mean, sampleStdev } from '../stats';
import { atrWeight, fractionalKellyWeight, volatilityTargetWeight } from './position-sizing';
import {
  correlatedClusters,
  correlationMatrix,
  currentDrawdown,
  currentDrawdownAfter,
  historicalTailRisk,
  historicalTailRisks,
  maxDrawdown,
  parametricTailRisk,
} from './risk-measures';

// 20 daily returns in percent: the worst are -5, -4, -3 ...
const RETURNS = [
  1, -2, 0.5, 3, -5, 2, -1, 0.2, -4, 1.5, 0.8, -0.3, 2.2, -3, 0.1, 1.1, -0.7, 0.9, -1.5, 0.4,
].map((x) => x / 100);

describe('historical VaR / CVaR', () => {
  it('95% of 20 returns: the tail is the single worst day (k = ceil(20 × 0.05) = 1)', () => {
    const r = historicalTailRisk(RETURNS, 0.95);
    expect(r.valueAtRisk).toBeCloseTo(0.05, 12);
    expect(r.conditionalValueAtRisk).toBeCloseTo(0.05, 12);
  });

  it('90% of 20 returns: k = 2, VaR = 2nd worst, CVaR = mean of the two worst', () => {
    const r = historicalTailRisk(RETURNS, 0.9);
    expect(r.valueAtRisk).toBeCloseTo(0.04, 12);
    expect(r.conditionalValueAtRisk).toBeCloseTo(0.045, 12);
  });

  it('80% of 20 returns: k = 4 → VaR 2%, CVaR (5+4+3+2)/4 = 3.5%', () => {
    const r = historicalTailRisk(RETURNS, 0.8);
    expect(r.valueAtRisk).toBeCloseTo(0.02, 12);
    expect(r.conditionalValueAtRisk).toBeCloseTo(0.035, 12);
  });

  it('is 0 for an empty or all-gain series', () => {
    expect(historicalTailRisk([], 0.95).valueAtRisk).toBe(0);
    expect(historicalTailRisk([0.01, 0.02], 0.95).valueAtRisk).toBe(0);
  });
});

describe('parametric (normal) VaR / CVaR', () => {
  it('VaR = −(μ − zσ), CVaR = σφ(z)/(1 − α) − μ', () => {
    const mu = mean(RETURNS);
    const sigma = sampleStdev(RETURNS);
    const r95 = parametricTailRisk(RETURNS, 0.95);
    expect(r95.valueAtRisk).toBeCloseTo(-(mu - 1.6448536269514722 * sigma), 12);
    const phi = Math.exp(-0.5 * 1.6448536269514722 ** 2) / Math.sqrt(2 * Math.PI);
    expect(r95.conditionalValueAtRisk).toBeCloseTo((sigma * phi) / 0.05 - mu, 12);
    const r99 = parametricTailRisk(RETURNS, 0.99);
    expect(r99.valueAtRisk).toBeCloseTo(-(mu - 2.3263478740408408 * sigma), 12);
    expect(r99.conditionalValueAtRisk).toBeGreaterThan(r99.valueAtRisk);
  });

  it('checks against a hand computation on a tiny series', () => {
    // returns −1%, +1%: μ = 0, σ (n−1) = √2 %; VaR95 = 1.6449 × 1.4142% = 2.3262%
    expect(parametricTailRisk([-0.01, 0.01], 0.95).valueAtRisk).toBeCloseTo(0.023262, 6);
  });
});

describe('correlation', () => {
  it('is +1 / −1 for linear series and matches a hand value', () => {
    expect(correlation([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(correlation([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    // x = 1,2,3 ; y = 1,3,2: cov = 0.5 (sample) , sx = 1, sy = 1 → ρ = 0.5
    expect(correlation([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
  });

  it('builds a symmetric matrix over the last window and clusters |ρ| above the threshold', () => {
    const a = [0.01, -0.02, 0.03, -0.01, 0.02];
    const b = a.map((x) => 2 * x); // ρ = 1 with a
    const c = [0.01, 0.01, 0.01, -0.01, -0.01]; // ρ ≈ 0.04 with a
    const m = correlationMatrix([a, b, c], 5);
    expect(m[0]?.[1]).toBeCloseTo(1, 12);
    expect(m[1]?.[0]).toBe(m[0]?.[1]);
    expect(m[2]?.[2]).toBe(1);
    expect(correlatedClusters(m, 0.8)).toEqual([[0, 1]]);
    const windowed = correlationMatrix(
      [
        [100, ...a],
        [-100, ...b],
      ],
      5,
    );
    expect(windowed[0]?.[1]).toBeCloseTo(1, 12);
  });

  it('links clusters transitively', () => {
    const m = [
      [1, 0.9, 0.1],
      [0.9, 1, -0.85],
      [0.1, -0.85, 1],
    ];
    expect(correlatedClusters(m, 0.8)).toEqual([[0, 1, 2]]);
  });
});

describe('drawdown', () => {
  it('measures the current and the maximum drawdown from the running peak', () => {
    const equity = [100, 120, 90, 110, 108];
    expect(currentDrawdown(equity)).toBeCloseTo(1 - 108 / 120, 12);
    expect(maxDrawdown(equity)).toBeCloseTo(0.25, 12);
    expect(currentDrawdown([100, 130])).toBe(0);
  });
});

describe('position sizing', () => {
  it('vol targeting: 10% target on 40% vol = 25%, capped', () => {
    expect(volatilityTargetWeight(0.1, 0.4, 1)).toBeCloseTo(0.25, 12);
    expect(volatilityTargetWeight(0.1, 0.2, 0.3)).toBe(0.3);
    expect(volatilityTargetWeight(0.1, 0, 0.3)).toBe(0);
  });

  it('ATR: risk 1% with a 2×ATR stop; price 100, ATR 2 → 1% × 100 / 4 = 25%', () => {
    expect(atrWeight(0.01, 2, 100, 2, 1)).toBeCloseTo(0.25, 12);
  });

  it('fractional Kelly = fraction × μ/σ², never negative', () => {
    const r = [0.02, -0.01, 0.02, -0.01];
    const mu = 0.005;
    const var_ = sampleStdev(r) ** 2;
    expect(fractionalKellyWeight(r, 0.25, 10)).toBeCloseTo((0.25 * mu) / var_, 12);
    expect(
      fractionalKellyWeight(
        r.map((x) => -x),
        0.25,
        10,
      ),
    ).toBe(0);
  });
});

describe('fast paths give the bits of the straightforward computation', () => {
  const sortedTail = (xs: readonly number[], level: number) => {
    const sorted = Float64Array.from(xs).sort();
    const k = Math.max(1, Math.ceil(xs.length * (1 - level) - 1e-9));
    let sum = 0;
    for (let i = 0; i < k; i++) sum += sorted[i] as number;
    return {
      valueAtRisk: Math.max(0, -(sorted[k - 1] as number)),
      conditionalValueAtRisk: Math.max(0, -sum / k),
    };
  };

  it('historical VaR/CVaR from the kept worst returns equals a full sort (ties, zeros, NaN)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -0.2, max: 0.2, noNaN: true }),
            fc.constantFrom(0, -0, -0.01, Number.NaN),
          ),
          { minLength: 1, maxLength: 400 },
        ),
        (xs) => {
          const [r95, r99] = historicalTailRisks(xs, [0.95, 0.99]);
          expect(r95).toEqual(sortedTail(xs, 0.95));
          expect(r99).toEqual(sortedTail(xs, 0.99));
          expect(historicalTailRisk(xs, 0.9)).toEqual(sortedTail(xs, 0.9));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the correlation matrix of equal-length series is the pairwise correlation, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: 480, maxLength: 480 }),
        (n, length, window, pool) => {
          const series = Array.from({ length: n }, (_, i) =>
            Float64Array.from(pool.slice(i * 80, i * 80 + length)),
          );
          if (length > 3) (series[0] as Float64Array).fill(0.01); // a flat series: correlation 0
          const matrix = correlationMatrix(series, window);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              const tail = (s: Float64Array) => s.subarray(Math.max(0, s.length - window));
              const expected =
                i === j ? 1 : correlation(tail(series[i] as Float64Array), tail(series[j] as Float64Array));
              expect(Object.is(matrix[i]?.[j], expected)).toBe(true);
            }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drawdown after a history equals the drawdown of the copied series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 1e6, noNaN: true })),
        fc.double({ min: -10, max: 1e6, noNaN: true }),
        (history, latest) => {
          expect(
            Object.is(currentDrawdownAfter(history, latest), currentDrawdown([...history, latest])),
          ).toBe(true);
        },
      ),
    );
  });
});
