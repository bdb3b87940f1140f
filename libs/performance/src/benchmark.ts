import { TRADING_DAYS_PER_YEAR, ZERO_VARIANCE_EPSILON } from './constants';
import { mean } from './statistics';

export interface AlphaBeta {
  /** Jensen's alpha: daily OLS intercept × 252 (simple annualisation, not compounded). */
  readonly alpha: number;
  readonly beta: number;
}

/**
 * OLS regression of the strategy's daily excess returns y_t = r_t − rf_d on the benchmark's x_t = b_t − rf_d:
 * beta = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², alpha_daily = ȳ − beta × x̄, alpha = alpha_daily × 252.
 * Null with fewer than two pairs or a benchmark of zero variance (beta undefined).
 */
export function alphaBeta(
  strategyReturns: readonly number[],
  benchmarkReturns: readonly number[],
  dailyRiskFree = 0,
): AlphaBeta | null {
  const n = Math.min(strategyReturns.length, benchmarkReturns.length);
  if (n < 2) return null;
  const y = strategyReturns.slice(0, n).map((r) => r - dailyRiskFree);
  const x = benchmarkReturns.slice(0, n).map((b) => b - dailyRiskFree);
  const xMean = mean(x)!;
  const yMean = mean(y)!;
  let covariance = 0;
  let variance = 0;
  for (let t = 0; t < n; t++) {
    covariance += (x[t]! - xMean) * (y[t]! - yMean);
    variance += (x[t]! - xMean) ** 2;
  }
  if (Math.sqrt(variance / (n - 1)) <= ZERO_VARIANCE_EPSILON) return null;
  const beta = covariance / variance;
  return { alpha: (yMean - beta * xMean) * TRADING_DAYS_PER_YEAR, beta };
}
