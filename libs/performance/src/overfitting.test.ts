import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal';
import {
  cscvPartitions,
  deflatedSharpeOfTrials,
  deflatedSharpeRatio,
  expectedMaxSharpe,
  probabilityOfBacktestOverfitting,
  returnMoments,
} from './overfitting';

/**
 * Reference values come from an independent Python script (numpy 2, scipy 1.17: scipy.stats.norm, rankdata,
 * itertools.combinations), which implements the papers' formulas directly (moments from numpy arrays, every CSCV
 * split stacked and its Sharpe recomputed from the rows) rather than this file's block sums.
 */
const TOLERANCE = 1e-9;

/** Park–Miller LCG (exact in doubles), so the Python reference draws the same numbers. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 16807) % 2147483647;
    return x / 2147483647;
  };
}

/**
 * 250 days × 20 trials: r[t][n] = 0.0003 + 0.00002·n + 0.012·(u1 + u2 + u3 − 1.5), u drawn row by row.
 * Python: M[0,0] = -0.0086028827170389153, M[249,19] = 0.0038683811714073555.
 */
function twentyTrials(): number[][] {
  const u = lcg(20231229);
  return Array.from({ length: 250 }, () =>
    Array.from({ length: 20 }, (_, n) => 0.0003 + 0.00002 * n + 0.012 * (u() + u() + u() - 1.5)),
  );
}

describe('normal distribution', () => {
  it('matches scipy.stats.norm to 1e-12', () => {
    // norm.cdf(1.2835) = 0.9003415202118576, norm.cdf(-9.5) = 1.0494515075362604e-21,
    // norm.ppf(0.99) = 2.3263478740408408, norm.ppf(1e-10) = -6.361340902404056
    expect(normalCdf(1.2835)).toBeCloseTo(0.9003415202118576, 12);
    expect(normalCdf(-9.5) / 1.0494515075362604e-21).toBeCloseTo(1, 9);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalCdf(normalQuantile(0.3))).toBeCloseTo(0.3, 15);
  });
});

describe('deflated Sharpe ratio (Bailey & López de Prado, 2014)', () => {
  it("reproduces the paper's numerical example", () => {
    // Paper: SR 2.5 annualised on 5 years of daily data (T = 1250, 250 days a year), skew −3, kurtosis 10,
    // N = 100 trials whose annualised Sharpe ratios have variance 1/2. By hand: SR = 2.5/√250 = 0.158114,
    // V = 0.5/250 = 0.002, Φ⁻¹(0.99) = 2.326348, Φ⁻¹(1 − 1/(100e)) = 2.680375,
    // SR0 = 0.044721·(0.422784·2.326348 + 0.577216·2.680375) = 0.113172 (paper: 0.1132),
    // z = (0.158114 − 0.113172)·√1249 / √(1 + 3·0.158114 + 9/4·0.025) = 1.58830/1.23716 = 1.28383,
    // DSR = Φ(1.28383) = 0.9004 (paper: 0.9004). Python to 15 digits: SR0 0.113172001865132,
    // DSR 0.90039683444939, PSR(0) 0.999996859507898.
    const result = deflatedSharpeRatio(
      { sharpe: 2.5 / Math.sqrt(250), observations: 1250, skewness: -3, kurtosis: 10 },
      100,
      0.5 / 250,
    );
    expect(Math.abs(result.expectedMaxSharpe - 0.113172001865132)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.deflatedSharpe - 0.90039683444939)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.probabilisticSharpe - 0.999996859507898)).toBeLessThan(TOLERANCE);
  });

  it('deflates the best of a 20-trial sweep as the reference does', () => {
    // Python: best trial 15, SR 0.166471845830749, skew -0.317998844865439, kurtosis 2.94460993136911,
    // V[SR] 0.00402416918828405, SR0 0.120573955167993, DSR 0.758455366513366, PSR(0) 0.994516874652493.
    const result = deflatedSharpeOfTrials(twentyTrials());
    expect(result.best).toBe(15);
    expect(result.trials).toBe(20);
    expect(Math.abs(result.bestMoments.sharpe - 0.166471845830749)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.bestMoments.skewness - -0.317998844865439)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.bestMoments.kurtosis - 2.94460993136911)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.sharpeVariance - 0.00402416918828405)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.expectedMaxSharpe - 0.120573955167993)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.deflatedSharpe - 0.758455366513366)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.probabilisticSharpe - 0.994516874652493)).toBeLessThan(TOLERANCE);
  });

  it('selects nothing with one trial or identical trials: SR0 = 0', () => {
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
    expect(expectedMaxSharpe(20, 0)).toBe(0);
    // More trials, higher bar: E[max] of N standard normals grows with N.
    expect(expectedMaxSharpe(1000, 1)).toBeGreaterThan(expectedMaxSharpe(10, 1));
  });

  it('measures moments as the papers do: population skewness and non-excess kurtosis', () => {
    // r = 1, 2, 3, 10: mean 4, deviations −3, −2, −1, 6; m2 = 50/4 = 12.5, m3 = (−27 − 8 − 1 + 216)/4 = 45,
    // m4 = (81 + 16 + 1 + 1296)/4 = 348.5; skew = 45/12.5^1.5 = 1.018234, kurtosis = 348.5/156.25 = 2.2304,
    // sample stdev = √(50/3) = 4.082483, Sharpe = 4/4.082483 = 0.979796.
    const m = returnMoments([1, 2, 3, 10]);
    expect(m.skewness).toBeCloseTo(45 / 12.5 ** 1.5, 12);
    expect(m.kurtosis).toBeCloseTo(2.2304, 12);
    expect(m.sharpe).toBeCloseTo(4 / Math.sqrt(50 / 3), 12);
  });
});

describe('probability of backtest overfitting by CSCV (Bailey, Borwein, López de Prado & Zhu, 2015)', () => {
  it('is 1 when the in-sample winner always loses out of sample', () => {
    // 8 rows × 3 trials, S = 4 blocks of 2 rows, C(4,2) = 6 splits. In every split the in-sample best trial is
    // the worst of 3 out of sample: ω̄ = 1/(3 + 1), λ = ln(0.25/0.75) = −ln 3 = −1.09861228866811 (Python).
    const rows = [
      [0.01, 0.02, -0.01],
      [0.03, -0.01, 0.0],
      [-0.02, 0.01, 0.02],
      [0.0, 0.03, 0.01],
      [0.01, -0.02, 0.03],
      [0.02, 0.0, -0.01],
      [-0.01, 0.01, 0.02],
      [0.04, 0.02, 0.0],
    ];
    const result = probabilityOfBacktestOverfitting(rows, 4);
    expect(result.combinations).toBe(6);
    expect(result.pbo).toBe(1);
    for (const l of result.logits) expect(Math.abs(l - -Math.log(3))).toBeLessThan(TOLERANCE);
  });

  it('is 0 when one trial dominates every block', () => {
    // Trial 1 = trial 0 + 1% every day with the same noise: it wins in and out of sample, rank N of N:
    // ω̄ = 2/3, λ = ln 2 in every split.
    const rows = Array.from({ length: 12 }, (_, t) => {
      const noise = ((t * 7) % 5) / 100 - 0.02;
      return [noise, noise + 0.01];
    });
    const result = probabilityOfBacktestOverfitting(rows, 4);
    expect(result.pbo).toBe(0);
    for (const l of result.logits) expect(l).toBeCloseTo(Math.log(2), 12);
  });

  it('matches the reference on the 20-trial sweep with S = 16 (12,870 splits)', () => {
    // Python: PBO 0.351592851592852 (4525 of 12870 splits with λ ≤ 0), first split's λ 1.79175946922805,
    // last split's λ −0.485507815781701. T = 250 → blocks of 15 rows, the 10 oldest rows dropped.
    const result = probabilityOfBacktestOverfitting(twentyTrials(), 16);
    expect(result.combinations).toBe(12870);
    expect(result.rowsUsed).toBe(240);
    expect(Math.abs(result.pbo - 0.351592851592852)).toBeLessThan(TOLERANCE);
    expect(Math.abs((result.logits[0] as number) - 1.79175946922805)).toBeLessThan(TOLERANCE);
    expect(Math.abs((result.logits.at(-1) as number) - -0.485507815781701)).toBeLessThan(TOLERANCE);
  });

  it('picks fewer partitions for short samples and refuses odd ones', () => {
    expect(cscvPartitions(250)).toBe(16);
    expect(cscvPartitions(20)).toBe(10);
    expect(cscvPartitions(3)).toBe(0);
    expect(() => probabilityOfBacktestOverfitting(twentyTrials(), 5)).toThrow(/even/);
  });
});
