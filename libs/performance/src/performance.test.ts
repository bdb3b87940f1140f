import { describe, expect, it } from 'vitest';
import { PerformanceInputError } from './errors';
import { computePerformance } from './performance';
import { dailyRiskFreeRate } from './risk-adjusted';
import type { EquityPoint } from './types';

const SQRT_252 = Math.sqrt(252); // 15.874507866387544

/** Consecutive UTC days from 2023-01-02; the metrics treat every bar as one trading day. */
function curve(
  equities: readonly number[],
  extra: (i: number) => Partial<EquityPoint> = () => ({}),
): EquityPoint[] {
  return equities.map((equity, i) => ({
    ts: new Date(Date.UTC(2023, 0, 2 + i)).toISOString(),
    equity,
    ...extra(i),
  }));
}

describe('computePerformance on a small hand-checked curve', () => {
  // Equity 100 → 110 → 99 → 108.9 → 119.79: daily returns +10%, −10%, +10%, +10% (n = 4).
  const report = computePerformance({ equityCurve: curve([100, 110, 99, 108.9, 119.79]) });
  const m = report.metrics;

  it('derives the daily simple returns', () => {
    const values = report.dailyReturns.map((r) => r.value);
    // 110/100 − 1 = 0.1; 99/110 − 1 = −0.1; 108.9/99 − 1 = 0.1; 119.79/108.9 − 1 = 0.1
    [0.1, -0.1, 0.1, 0.1].forEach((expected, i) => {
      expect(values[i]).toBeCloseTo(expected, 12);
    });
    expect(report.dailyReturns[0]!.ts).toBe('2023-01-03T00:00:00.000Z');
    expect(m.tradingDays).toBe(4);
    expect(m.bars).toBe(5);
  });

  it('total return and CAGR', () => {
    // 119.79 / 100 − 1 = 0.1979
    expect(m.totalReturn).toBeCloseTo(0.1979, 12);
    // (1.1979)^(252/4) − 1 = 1.1979^63 − 1
    expect(m.cagr).toBeCloseTo(1.1979 ** 63 - 1, 6);
  });

  it('annual volatility, Sharpe and Sortino', () => {
    // mean = (0.1 − 0.1 + 0.1 + 0.1)/4 = 0.05; deviations 0.05, −0.15, 0.05, 0.05
    // Σ squares = 0.0025 + 0.0225 + 0.0025 + 0.0025 = 0.03; /(n − 1 = 3) = 0.01; stdev = 0.1
    expect(m.annualVolatility).toBeCloseTo(0.1 * SQRT_252, 12); // 1.5874507866
    // Sharpe = 0.05 / 0.1 × √252 = 7.9372539332
    expect(m.sharpe).toBeCloseTo(0.5 * SQRT_252, 10);
    // Downside: min(0, r)² = 0, 0.01, 0, 0 → Σ = 0.01; /n = 0.0025; DD = 0.05. Sortino = 0.05/0.05 × √252
    expect(m.sortino).toBeCloseTo(SQRT_252, 10);
  });

  it('max drawdown, its duration and Calmar', () => {
    // Peak 110 (bar 1), trough 99 (bar 2): 1 − 99/110 = 0.1; back to ≥ 110 at bar 4 (119.79) → 4 − 1 = 3 bars
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownPeakTs).toBe('2023-01-03T00:00:00.000Z');
    expect(m.maxDrawdownTroughTs).toBe('2023-01-04T00:00:00.000Z');
    expect(m.maxDrawdownRecoveryTs).toBe('2023-01-06T00:00:00.000Z');
    expect(m.maxDrawdownDurationBars).toBe(3);
    expect(m.longestUnderwaterBars).toBe(3);
    // Calmar = CAGR / 0.1
    expect(m.calmar).toBeCloseTo((1.1979 ** 63 - 1) / 0.1, 4);
  });

  it('VaR/CVaR, best and worst day', () => {
    // n = 4: k = ⌈4 × 0.05⌉ = ⌈0.2⌉ = 1 → the single worst day, −10%
    expect(m.valueAtRisk95).toBeCloseTo(0.1, 12);
    expect(m.conditionalValueAtRisk95).toBeCloseTo(0.1, 12);
    expect(m.valueAtRisk99).toBeCloseTo(0.1, 12);
    expect(m.bestDay?.value).toBeCloseTo(0.1, 12);
    expect(m.bestDay?.ts).toBe('2023-01-03T00:00:00.000Z'); // first of the equal best days
    expect(m.worstDay).toEqual({ ts: '2023-01-04T00:00:00.000Z', value: expect.closeTo(-0.1, 12) });
  });

  it('drawdown series', () => {
    // D = 1 − E/peak: 0, 0, 1 − 99/110 = 0.1, 1 − 108.9/110 = 0.01, 0
    const values = report.drawdown.map((d) => d.value);
    [0, 0, 0.1, 0.01, 0].forEach((expected, i) => {
      expect(values[i]).toBeCloseTo(expected, 12);
    });
  });

  it('a risk-free rate lowers the Sharpe by rf_d / stdev × √252', () => {
    const withRate = computePerformance(
      { equityCurve: curve([100, 110, 99, 108.9, 119.79]) },
      { riskFreeRate: 0.05 },
    );
    // rf_d = 1.05^(1/252) − 1 = 0.000193630...; stdev of excess returns unchanged (0.1)
    const rfDaily = 1.05 ** (1 / 252) - 1;
    expect(dailyRiskFreeRate(0.05)).toBeCloseTo(0.00019363, 8);
    expect(withRate.metrics.sharpe).toBeCloseTo(((0.05 - rfDaily) / 0.1) * SQRT_252, 10);
    expect(withRate.metrics.riskFreeRate).toBe(0.05);
  });
});

describe('drawdowns that recover and one that does not', () => {
  // 100 → 90 → 95 → 100 (recovered after 3 bars) → 105 → 84 → 90 (still underwater at the end)
  const m = computePerformance({ equityCurve: curve([100, 90, 95, 100, 105, 84, 90]) }).metrics;

  it('reports the deepest drawdown, open to the last bar', () => {
    // Deepest: 1 − 84/105 = 0.2 from bar 4; not recovered, so duration = last bar 6 − peak bar 4 = 2
    expect(m.maxDrawdown).toBeCloseTo(0.2, 12);
    expect(m.maxDrawdownRecoveryTs).toBeNull();
    expect(m.maxDrawdownDurationBars).toBe(2);
  });

  it('reports the longest underwater period separately from the deepest', () => {
    // First drawdown: peak bar 0 → recovery bar 3 = 3 bars; second: 2 bars (open). Longest = 3
    expect(m.longestUnderwaterBars).toBe(3);
  });
});

describe('edge cases', () => {
  it('a flat curve has zero volatility and no Sharpe, Sortino or Calmar', () => {
    const m = computePerformance({ equityCurve: curve([100, 100, 100]) }).metrics;
    expect(m.annualVolatility).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownPeakTs).toBeNull();
    expect(m.maxDrawdownDurationBars).toBe(0);
    expect(m.longestUnderwaterBars).toBe(0);
    expect(m.calmar).toBeNull();
  });

  it('a curve growing by the same 1% a day has no Sharpe (floating noise is not variance)', () => {
    const m = computePerformance({ equityCurve: curve([100, 101, 102.01, 103.0301]) }).metrics;
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull(); // no day below target
    expect(m.cagr).toBeCloseTo(1.01 ** 252 - 1, 6);
  });

  it('a single point gives totals but no time-based metric', () => {
    const m = computePerformance({ equityCurve: curve([100]) }).metrics;
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBeNull();
    expect(m.annualVolatility).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.valueAtRisk95).toBeNull();
    expect(m.bestDay).toBeNull();
    expect(m.turnover).toBeNull();
  });

  it('no trades: win rate and the other trade statistics are null', () => {
    const m = computePerformance({ equityCurve: curve([100, 101]) }).metrics;
    expect(m.tradeCount).toBe(0);
    expect(m.winRate).toBeNull();
    expect(m.profitFactor).toBeNull();
    expect(m.expectancy).toBeNull();
  });

  it('rejects empty curves, unordered timestamps, non-positive equity and bad options', () => {
    expect(() => computePerformance({ equityCurve: [] })).toThrow(PerformanceInputError);
    const unordered = curve([100, 101]).reverse();
    expect(() => computePerformance({ equityCurve: unordered })).toThrow(/strictly increasing/);
    expect(() => computePerformance({ equityCurve: curve([100, 0]) })).toThrow(/positive/);
    expect(() => computePerformance({ equityCurve: curve([100]) }, { rollingSharpeWindow: 1 })).toThrow(
      PerformanceInputError,
    );
  });
});

describe('trade statistics, exposure and turnover', () => {
  it('computes the closed-trade statistics', () => {
    const trades = [100, -50, 0, 200, -25].map((pnl) => ({ pnl }));
    const m = computePerformance({ equityCurve: curve([100, 101]), trades }).metrics;
    expect(m.tradeCount).toBe(5);
    expect(m.winRate).toBeCloseTo(2 / 5, 12); // 100 and 200 win; 0 is not a win
    expect(m.profitFactor).toBeCloseTo(4, 12); // (100 + 200) / |−50 − 25| = 300 / 75
    expect(m.averageWin).toBeCloseTo(150, 12); // 300 / 2
    expect(m.averageLoss).toBeCloseTo(-37.5, 12); // −75 / 2
    expect(m.expectancy).toBeCloseTo(45, 12); // (300 − 75) / 5 = 0.4 × 150 + 0.4 × (−37.5)
  });

  it('has no profit factor when nothing lost', () => {
    const m = computePerformance({ equityCurve: curve([100, 101]), trades: [{ pnl: 5 }] }).metrics;
    expect(m.profitFactor).toBeNull();
    expect(m.averageLoss).toBeNull();
    expect(m.winRate).toBe(1);
  });

  it('averages exposure and annualises turnover', () => {
    const exposures = [0, 0.5, 1, 0.5, 0.5];
    const equityCurve = curve([1000, 1100, 1000, 1100, 1100], (i) => ({ exposure: exposures[i]! }));
    const fills = [
      { quantity: 10, price: 100 }, // 1000 notional
      { quantity: 5, price: 110 }, // 550 notional
    ];
    const m = computePerformance({ equityCurve, fills }).metrics;
    expect(m.exposure).toBeCloseTo(2.5 / 5, 12); // (0 + 0.5 + 1 + 0.5 + 0.5) / 5
    // mean equity = 5300 / 5 = 1060; n = 4 returns → (1550 / 1060) × 252 / 4
    expect(m.turnover).toBeCloseTo((1550 / 1060) * 63, 10);
  });
});

describe('alpha and beta against the benchmark', () => {
  // Benchmark returns x = +1%, −2%, +3%, 0%; strategy returns y = 2x + 0.1% exactly.
  const x = [0.01, -0.02, 0.03, 0];
  const compound = (returns: number[]) => {
    const values = [100];
    for (const r of returns) values.push(values[values.length - 1]! * (1 + r));
    return values;
  };
  const benchmark = compound(x);
  const strategy = compound(x.map((r) => 2 * r + 0.001));
  const equityCurve = curve(strategy, (i) => ({ benchmark: benchmark[i]! }));

  it('recovers the slope and the annualised intercept', () => {
    const m = computePerformance({ equityCurve }).metrics;
    expect(m.beta).toBeCloseTo(2, 10);
    expect(m.alpha).toBeCloseTo(0.001 * 252, 10); // 0.252
    expect(m.benchmark?.totalReturn).toBeCloseTo(1.01 * 0.98 * 1.03 - 1, 12);
  });

  it('uses excess returns: y − rf = 2(x − rf) + 0.001 + rf, so alpha = (0.001 + rf_d) × 252', () => {
    const m = computePerformance({ equityCurve }, { riskFreeRate: 0.05 }).metrics;
    expect(m.beta).toBeCloseTo(2, 10);
    expect(m.alpha).toBeCloseTo((0.001 + dailyRiskFreeRate(0.05)) * 252, 10);
  });

  it('is null without a benchmark on every bar or with a flat benchmark', () => {
    const partial = equityCurve.map((p, i) => (i === 2 ? { ts: p.ts, equity: p.equity } : p));
    expect(computePerformance({ equityCurve: partial }).metrics.beta).toBeNull();
    expect(computePerformance({ equityCurve: partial }).metrics.benchmark).toBeNull();
    const flat = curve(strategy, () => ({ benchmark: 100 }));
    expect(computePerformance({ equityCurve: flat }).metrics.alpha).toBeNull();
  });
});

describe('rolling Sharpe and monthly returns', () => {
  it('rolls the Sharpe over trailing windows', () => {
    const report = computePerformance(
      { equityCurve: curve([100, 110, 99, 108.9, 119.79]) },
      { rollingSharpeWindow: 3 },
    );
    // Windows [0.1, −0.1, 0.1] and [−0.1, 0.1, 0.1]: mean 1/30; deviations ±(1/15), 2/15 → var = (6/225)/2 = 1/75
    // Sharpe = (1/30) / (1/√75) × √252 = √75/30 × √252 ≈ 4.5826
    const expected = (Math.sqrt(75) / 30) * SQRT_252;
    expect(report.rollingSharpe).toHaveLength(2);
    expect(report.rollingSharpe[0]!.ts).toBe('2023-01-05T00:00:00.000Z');
    expect(report.rollingSharpe[0]!.value).toBeCloseTo(expected, 10);
    expect(report.rollingSharpe[1]!.value).toBeCloseTo(expected, 10);
  });

  it('compounds calendar months and years', () => {
    const equityCurve = [
      { ts: '2023-01-30T21:00:00.000Z', equity: 100 },
      { ts: '2023-01-31T21:00:00.000Z', equity: 110 },
      { ts: '2023-02-01T21:00:00.000Z', equity: 99 },
      { ts: '2023-02-28T21:00:00.000Z', equity: 121 },
      { ts: '2023-03-01T21:00:00.000Z', equity: 133.1 },
      { ts: '2024-01-02T21:00:00.000Z', equity: 119.79 },
    ];
    const [y2023, y2024] = computePerformance({ equityCurve }).monthlyReturns;
    expect(y2023!.year).toBe(2023);
    expect(y2023!.months[0]).toBeCloseTo(0.1, 12); // Jan: 110/100 − 1 (starts at the first bar)
    expect(y2023!.months[1]).toBeCloseTo(0.1, 12); // Feb: 121/110 − 1
    expect(y2023!.months[2]).toBeCloseTo(0.1, 12); // Mar: 133.1/121 − 1
    expect(y2023!.months[3]).toBeNull();
    expect(y2023!.yearTotal).toBeCloseTo(0.331, 12); // 1.1³ − 1
    expect(y2024!.months[0]).toBeCloseTo(-0.1, 12); // 119.79/133.1 − 1
    expect(y2024!.yearTotal).toBeCloseTo(-0.1, 12);
  });
});
