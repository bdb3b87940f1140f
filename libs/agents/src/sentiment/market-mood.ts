import type { MarketSnapshot } from '@ats/contracts';
import { TRADING_DAYS_PER_YEAR } from '@ats/contracts';
import { round } from '../format';
import type { HistoryColumns } from '../snapshot';
import { clamp, median } from '../stats';
import { alignedReturns, equalWeightReturns } from '../universe';

/** Realised-volatility window and momentum window (about a trading month). */
export const MOOD_VOL_WINDOW = 20;
export const MOOD_MOMENTUM_WINDOW = 20;
/** The current volatility is compared with the median of the rolling volatility over the past year. */
export const MOOD_VOL_HISTORY = TRADING_DAYS_PER_YEAR;
/** A 20-day equal-weight return of this size reads as full greed (or fear, negative). */
export const MOOD_MOMENTUM_FULL_SCALE = 0.1;
/** |mood| at or above this is labelled greed / fear. */
export const MOOD_LABEL_THRESHOLD = 0.33;

/**
 * Fear/greed proxy from the universe's own market data (no external index): breadth (share above the 50-day MA),
 * volatility (20-day realised vol of the equal-weight universe vs its 1-year median) and momentum (20-day return of
 * the equal-weight universe). Each maps to [-1, 1] (+ greed); the mood is their mean over those available.
 */
export interface MarketMood {
  readonly mood: number | null;
  readonly label: 'greed' | 'neutral' | 'fear' | 'unknown';
  readonly breadthAbove50dma: number | null;
  readonly realisedVol20: number | null;
  readonly realisedVolMedian1y: number | null;
  readonly volRatio: number | null;
  readonly momentum20: number | null;
}

const cache = new WeakMap<readonly MarketSnapshot[], MarketMood>();

export function marketMood(
  snapshots: readonly MarketSnapshot[],
  /** The snapshots' history columns, when the cycle has them (DecisionContext.historyColumns). */
  columns?: readonly (HistoryColumns | undefined)[],
): MarketMood {
  const hit = cache.get(snapshots);
  if (hit) return hit;

  let above = 0;
  let counted = 0;
  for (const s of snapshots) {
    const sma50 = s.indicators.sma50;
    if (sma50 === null || sma50 === undefined) continue;
    counted++;
    if (s.price > sma50) above++;
  }
  const breadth = counted > 0 ? above / counted : null;

  const ew = equalWeightReturns(alignedReturns(snapshots, columns));
  const m = ew.length;
  let realisedVol: number | null = null;
  let volMedian: number | null = null;
  if (m >= MOOD_VOL_WINDOW + 1) {
    // Rolling sample stdev over windows ending in the last year, via running sums.
    const start = Math.max(0, m - MOOD_VOL_HISTORY);
    const vols = new Float64Array(Math.max(0, m - start - MOOD_VOL_WINDOW + 1));
    let count = 0;
    let s = 0;
    let ss = 0;
    for (let t = start; t < m; t++) {
      const x = ew[t] as number;
      s += x;
      ss += x * x;
      if (t - start >= MOOD_VOL_WINDOW) {
        const old = ew[t - MOOD_VOL_WINDOW] as number;
        s -= old;
        ss -= old * old;
      }
      if (t - start + 1 >= MOOD_VOL_WINDOW) {
        const n = MOOD_VOL_WINDOW;
        const variance = Math.max(0, (ss - (s * s) / n) / (n - 1));
        vols[count++] = Math.sqrt(variance * TRADING_DAYS_PER_YEAR);
      }
    }
    realisedVol = count > 0 ? (vols[count - 1] as number) : null;
    volMedian = vols.length > 1 ? median(vols) : null;
  }
  const volRatio =
    realisedVol !== null && volMedian !== null && volMedian > 0 ? realisedVol / volMedian : null;

  let momentum: number | null = null;
  if (m >= MOOD_MOMENTUM_WINDOW) {
    let growth = 1;
    for (let t = m - MOOD_MOMENTUM_WINDOW; t < m; t++) growth *= 1 + (ew[t] as number);
    momentum = growth - 1;
  }

  const parts: number[] = [];
  if (breadth !== null) parts.push((breadth - 0.5) * 2);
  if (volRatio !== null) parts.push(clamp(1 - volRatio, -1, 1));
  if (momentum !== null) parts.push(clamp(momentum / MOOD_MOMENTUM_FULL_SCALE, -1, 1));
  const mood = parts.length > 0 ? parts.reduce((a, b) => a + b, 0) / parts.length : null;
  const out: MarketMood = {
    mood: round(mood),
    label:
      mood === null
        ? 'unknown'
        : mood >= MOOD_LABEL_THRESHOLD
          ? 'greed'
          : mood <= -MOOD_LABEL_THRESHOLD
            ? 'fear'
            : 'neutral',
    breadthAbove50dma: round(breadth),
    realisedVol20: round(realisedVol),
    realisedVolMedian1y: round(volMedian),
    volRatio: round(volRatio),
    momentum20: round(momentum),
  };
  cache.set(snapshots, out);
  return out;
}
