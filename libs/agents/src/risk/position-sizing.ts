import { TRADING_DAYS_PER_YEAR } from '@ats/contracts';
import { mean, sampleStdev } from '../stats';

/** Annualised realised volatility of daily returns (sample stdev × √252). */
export function annualisedVolatility(dailyReturns: ArrayLike<number>): number {
  return sampleStdev(dailyReturns) * Math.sqrt(TRADING_DAYS_PER_YEAR);
}

/** Volatility targeting: weight = targetVol / realisedVol, capped (both annualised). 0 when vol is unknown. */
export function volatilityTargetWeight(targetVol: number, realisedVol: number, cap: number): number {
  if (!(realisedVol > 0)) return 0;
  return Math.min(cap, targetVol / realisedVol);
}

/**
 * ATR sizing: risk `riskPerTrade` of equity with a stop k × ATR away: shares = riskPerTrade·equity / (k·ATR), i.e.
 * weight = riskPerTrade · price / (k · ATR), capped.
 */
export function atrWeight(
  riskPerTrade: number,
  atr: number,
  price: number,
  stopAtrMultiple: number,
  cap: number,
): number {
  if (!(atr > 0) || !(price > 0)) return 0;
  return Math.min(cap, (riskPerTrade * price) / (stopAtrMultiple * atr));
}

/**
 * Fractional Kelly for a continuously rebalanced position: f* = μ / σ² (daily mean over daily variance), times the
 * fraction (1/4 Kelly is the usual guard against estimation error); never negative (long-only), capped.
 */
export function fractionalKellyWeight(
  dailyReturns: ArrayLike<number>,
  fraction: number,
  cap: number,
): number {
  const sigma = sampleStdev(dailyReturns);
  if (!(sigma > 0)) return 0;
  const full = mean(dailyReturns) / (sigma * sigma);
  return Math.min(cap, Math.max(0, fraction * full));
}
