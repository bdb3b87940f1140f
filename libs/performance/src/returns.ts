import { TRADING_DAYS_PER_YEAR } from './constants';
import { PerformanceInputError } from './errors';
import type { DatedValue, EquityPoint } from './types';

/** Rejects curves that would make the metrics meaningless: empty, unordered timestamps, non-positive equity. */
export function assertValidEquityCurve(curve: readonly EquityPoint[]): void {
  if (curve.length === 0) throw new PerformanceInputError('equity curve is empty');
  let previousTime = Number.NEGATIVE_INFINITY;
  curve.forEach((point, index) => {
    const time = Date.parse(point.ts);
    if (Number.isNaN(time)) {
      throw new PerformanceInputError('equity point has an invalid timestamp', { index, ts: point.ts });
    }
    if (time <= previousTime) {
      throw new PerformanceInputError('equity curve timestamps must be strictly increasing', {
        index,
        ts: point.ts,
      });
    }
    previousTime = time;
    if (!Number.isFinite(point.equity) || point.equity <= 0) {
      throw new PerformanceInputError('equity must be a finite positive number', {
        index,
        ts: point.ts,
        equity: point.equity,
      });
    }
  });
}

/**
 * Daily simple returns: r_t = E_t / E_{t−1} − 1 for t = 1..N−1, dated at bar t.
 * A curve of N points gives n = N − 1 returns; each bar is taken as one trading day.
 */
export function dailyReturns(values: readonly number[], timestamps: readonly string[]): DatedValue[] {
  const returns: DatedValue[] = [];
  for (let t = 1; t < values.length; t++) {
    returns.push({ ts: timestamps[t]!, value: values[t]! / values[t - 1]! - 1 });
  }
  return returns;
}

/** Total return: E_end / E_start − 1. */
export function totalReturn(values: readonly number[]): number {
  return values[values.length - 1]! / values[0]! - 1;
}

/**
 * Compound annual growth rate, annualised by 252 trading days: (E_end / E_start)^(252 / n) − 1,
 * n = number of daily returns. Null when n = 0 (a single point has no elapsed time).
 */
export function compoundAnnualGrowthRate(values: readonly number[]): number | null {
  const n = values.length - 1;
  if (n <= 0) return null;
  return (values[values.length - 1]! / values[0]!) ** (TRADING_DAYS_PER_YEAR / n) - 1;
}
