import type { DatedValue } from './types';

/**
 * Drawdown at each bar as a non-negative fraction below the running peak: D_t = 1 − E_t / max(E_0..E_t).
 * 0 at a new high, 0.25 when 25% below the best value so far. (Sign convention shared with the risk manager's
 * `currentDrawdown`; charts plot −D_t.)
 */
export function drawdownSeries(values: readonly number[], timestamps: readonly string[]): DatedValue[] {
  let peak = Number.NEGATIVE_INFINITY;
  return values.map((value, t) => {
    peak = Math.max(peak, value);
    return { ts: timestamps[t]!, value: 1 - value / peak };
  });
}

export interface DrawdownAnalysis {
  /** Deepest drawdown, max_t D_t (0 when the curve never falls below a previous high). */
  readonly maxDrawdown: number;
  /** Bar of the high-water mark the deepest drawdown fell from; null when maxDrawdown = 0. */
  readonly peakTs: string | null;
  readonly troughTs: string | null;
  /** First bar after the trough back at or above the peak; null when not recovered by the last bar. */
  readonly recoveryTs: string | null;
  /**
   * Peak-to-recovery length of the deepest drawdown, in bars (recovery index − peak index); when it has not
   * recovered, bars from the peak to the last bar. 0 when there is no drawdown.
   */
  readonly maxDrawdownDurationBars: number;
  /** Longest underwater period of any drawdown, measured the same way (peak to recovery, or to the last bar). */
  readonly longestUnderwaterBars: number;
}

/** Deepest drawdown with its peak, trough and recovery, plus the longest time spent below a previous high. */
export function analyseDrawdowns(values: readonly number[], timestamps: readonly string[]): DrawdownAnalysis {
  const last = values.length - 1;
  let peak = values[0]!;
  let peakIndex = 0;
  let maxDrawdown = 0;
  let maxPeakIndex = -1;
  let maxTroughIndex = -1;
  let longestUnderwater = 0;

  for (let t = 1; t <= last; t++) {
    const value = values[t]!;
    if (value >= peak) {
      // Back at (or above) the high-water mark: an underwater period that started at peakIndex ends here.
      if (t - peakIndex > 1) longestUnderwater = Math.max(longestUnderwater, t - peakIndex);
      peak = value;
      peakIndex = t;
      continue;
    }
    const depth = 1 - value / peak;
    if (depth > maxDrawdown) {
      maxDrawdown = depth;
      maxPeakIndex = peakIndex;
      maxTroughIndex = t;
    }
  }
  // Still underwater at the last bar: the open period counts up to the last bar.
  if (peakIndex < last) longestUnderwater = Math.max(longestUnderwater, last - peakIndex);

  if (maxTroughIndex < 0) {
    return {
      maxDrawdown: 0,
      peakTs: null,
      troughTs: null,
      recoveryTs: null,
      maxDrawdownDurationBars: 0,
      longestUnderwaterBars: longestUnderwater,
    };
  }
  const peakValue = values[maxPeakIndex]!;
  let recoveryIndex = -1;
  for (let t = maxTroughIndex + 1; t <= last; t++) {
    if (values[t]! >= peakValue) {
      recoveryIndex = t;
      break;
    }
  }
  return {
    maxDrawdown,
    peakTs: timestamps[maxPeakIndex]!,
    troughTs: timestamps[maxTroughIndex]!,
    recoveryTs: recoveryIndex < 0 ? null : timestamps[recoveryIndex]!,
    maxDrawdownDurationBars: (recoveryIndex < 0 ? last : recoveryIndex) - maxPeakIndex,
    longestUnderwaterBars: longestUnderwater,
  };
}

/** Calmar ratio: CAGR / |max drawdown|. Null when there is no drawdown (division by zero) or no CAGR. */
export function calmarRatio(cagr: number | null, maxDrawdown: number): number | null {
  if (cagr === null || maxDrawdown === 0) return null;
  return cagr / Math.abs(maxDrawdown);
}
