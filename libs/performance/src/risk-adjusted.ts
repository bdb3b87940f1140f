import { TRADING_DAYS_PER_YEAR, ZERO_VARIANCE_EPSILON } from './constants';
import { mean, sampleStdev } from './statistics';
import type { DatedOptionalValue, DatedValue } from './types';

const ANNUALISATION = Math.sqrt(TRADING_DAYS_PER_YEAR);

/** Daily risk-free rate equivalent to an annual one by compounding: (1 + rf_annual)^(1/252) − 1. */
export function dailyRiskFreeRate(annualRate: number): number {
  return (1 + annualRate) ** (1 / TRADING_DAYS_PER_YEAR) - 1;
}

/** Annual volatility: sample stdev (n − 1) of daily returns × √252. Null with fewer than two returns. */
export function annualVolatility(returns: readonly number[]): number | null {
  const sd = sampleStdev(returns);
  return sd === null ? null : sd * ANNUALISATION;
}

/**
 * Sharpe ratio: mean(r_t − rf_d) / stdev(r_t − rf_d) × √252, with the sample stdev (n − 1) and rf_d the daily
 * risk-free rate. Null when there are fewer than two returns or the stdev is zero (≤ 1e-12): a riskless curve has
 * no defined Sharpe, and reporting ±Infinity would poison averages and JSON.
 */
export function sharpeRatio(returns: readonly number[], dailyRiskFree = 0): number | null {
  const excess = returns.map((r) => r - dailyRiskFree);
  const sd = sampleStdev(excess);
  const m = mean(excess);
  if (sd === null || m === null || sd <= ZERO_VARIANCE_EPSILON) return null;
  return (m / sd) * ANNUALISATION;
}

/**
 * Sortino ratio: mean(r_t − T) / DD × √252 with downside deviation DD = √( Σ min(0, r_t − T)² / n ) taken over
 * ALL n days (not only the losing ones), target T = the daily risk-free rate. Null when n = 0 or DD is zero
 * (no day below target: the ratio is unbounded).
 */
export function sortinoRatio(returns: readonly number[], dailyTarget = 0): number | null {
  if (returns.length === 0) return null;
  let squares = 0;
  for (const r of returns) squares += Math.min(0, r - dailyTarget) ** 2;
  const downsideDeviation = Math.sqrt(squares / returns.length);
  if (downsideDeviation <= ZERO_VARIANCE_EPSILON) return null;
  const m = mean(returns.map((r) => r - dailyTarget))!;
  return (m / downsideDeviation) * ANNUALISATION;
}

/**
 * Rolling Sharpe: the Sharpe ratio above over each trailing window of `window` daily returns, dated at the last
 * return of the window. The first value appears at the window-th return; null where the window's stdev is zero.
 */
export function rollingSharpe(
  returns: readonly DatedValue[],
  window: number,
  dailyRiskFree = 0,
): DatedOptionalValue[] {
  const series: DatedOptionalValue[] = [];
  for (let end = window; end <= returns.length; end++) {
    const slice = returns.slice(end - window, end).map((r) => r.value);
    series.push({ ts: returns[end - 1]!.ts, value: sharpeRatio(slice, dailyRiskFree) });
  }
  return series;
}
