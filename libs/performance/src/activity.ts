import { TRADING_DAYS_PER_YEAR } from './constants';
import type { EquityPoint, TradedFill } from './types';

/** Mean exposure: average over all bars of gross position value / equity. Null when no bar reports exposure. */
export function meanExposure(curve: readonly EquityPoint[]): number | null {
  const reported = curve.filter((p) => p.exposure !== undefined).map((p) => p.exposure!);
  if (reported.length === 0) return null;
  return reported.reduce((sum, e) => sum + e, 0) / reported.length;
}

/**
 * Annual turnover: (Σ |quantity × price| over fills) / mean equity × 252 / n, n = number of daily returns.
 * 1.0 means the strategy trades its average equity once a year (buys and sells both count). Null when n = 0.
 */
export function annualTurnover(fills: readonly TradedFill[], curve: readonly EquityPoint[]): number | null {
  const n = curve.length - 1;
  if (n <= 0) return null;
  const notional = fills.reduce((sum, f) => sum + Math.abs(f.quantity * f.price), 0);
  const meanEquity = curve.reduce((sum, p) => sum + p.equity, 0) / curve.length;
  return (notional / meanEquity) * (TRADING_DAYS_PER_YEAR / n);
}
