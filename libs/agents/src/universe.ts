import type { MarketSnapshot } from '@ats/contracts';

/** Daily simple returns of every symbol over the dates all snapshots share, oldest first. */
export interface UniverseReturns {
  readonly symbols: readonly string[];
  /** Bar ts of each return's end bar. */
  readonly dates: readonly string[];
  /** returns[i][t] = close_t / close_{t-1} − 1 of symbols[i]. */
  readonly returns: readonly Float64Array[];
}

const cache = new WeakMap<readonly MarketSnapshot[], UniverseReturns>();

/**
 * Returns over the common tail of the snapshots' histories: walking back from the last bar while every symbol has a
 * bar with the same ts (a gap in any symbol ends the window, so returns always span the same two dates). Memoised
 * per snapshots array: the sentiment agent and the risk manager share one computation per cycle.
 */
export function alignedReturns(snapshots: readonly MarketSnapshot[]): UniverseReturns {
  const hit = cache.get(snapshots);
  if (hit) return hit;
  const n = snapshots.length;
  let bars = n === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (const s of snapshots) bars = Math.min(bars, s.history.length);
  let aligned = 0;
  for (let k = 1; k <= bars; k++) {
    const ts = (snapshots[0] as MarketSnapshot).history[(snapshots[0] as MarketSnapshot).history.length - k]
      ?.ts;
    let same = true;
    for (let i = 1; i < n; i++) {
      const h = (snapshots[i] as MarketSnapshot).history;
      if (h[h.length - k]?.ts !== ts) {
        same = false;
        break;
      }
    }
    if (!same) break;
    aligned = k;
  }
  const m = Math.max(0, aligned - 1);
  const returns = snapshots.map((s) => {
    const h = s.history;
    const r = new Float64Array(m);
    const start = h.length - aligned;
    for (let t = 0; t < m; t++) {
      const prev = (h[start + t] as { close: number }).close;
      r[t] = (h[start + t + 1] as { close: number }).close / prev - 1;
    }
    return r;
  });
  const first = snapshots[0]?.history;
  const dates: string[] = [];
  if (first) for (let t = 0; t < m; t++) dates.push((first[first.length - m + t] as { ts: string }).ts);
  const out: UniverseReturns = { symbols: snapshots.map((s) => s.symbol), dates, returns };
  cache.set(snapshots, out);
  return out;
}

/** Equal-weight universe return per date (rebalanced daily). */
export function equalWeightReturns(universe: UniverseReturns): Float64Array {
  const m = universe.dates.length;
  const out = new Float64Array(m);
  const n = universe.returns.length;
  if (n === 0) return out;
  for (const r of universe.returns)
    for (let t = 0; t < m; t++) out[t] = (out[t] as number) + (r[t] as number) / n;
  return out;
}
