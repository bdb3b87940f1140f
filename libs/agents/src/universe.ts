import type { MarketSnapshot } from '@ats/contracts';
import type { HistoryColumns } from './snapshot';

/** Daily simple returns of every symbol over the dates all snapshots share, oldest first. */
export interface UniverseReturns {
  readonly symbols: readonly string[];
  /** Bar ts of each return's end bar. */
  readonly dates: readonly string[];
  /**
   * returns[i][t] = close_t / close_{t-1} − 1 of symbols[i]. From the history columns, a view of the feed's own
   * returns column (no copy, no new store); from the bars, plain arrays of doubles (a Float64Array past 64 bytes gets
   * its own off-heap store, several times dearer to allocate and to collect).
   */
  readonly returns: readonly ArrayLike<number>[];
}

const cache = new WeakMap<readonly MarketSnapshot[], UniverseReturns>();

/**
 * Returns over the common tail of the snapshots' histories: walking back from the last bar while every symbol has a
 * bar with the same ts (a gap in any symbol ends the window, so returns always span the same two dates). With the
 * snapshots' history columns (DecisionContext.historyColumns) it reads flat arrays instead of the Bar objects, to
 * the same result. Memoised per snapshots array: the sentiment agent and the risk manager share one computation per
 * cycle.
 */
export function alignedReturns(
  snapshots: readonly MarketSnapshot[],
  columns?: readonly (HistoryColumns | undefined)[],
): UniverseReturns {
  const hit = cache.get(snapshots);
  if (hit) return hit;
  const usable = columns === undefined ? undefined : columnsOf(snapshots, columns);
  const out = (usable && fromColumns(snapshots, usable)) ?? fromBars(snapshots);
  cache.set(snapshots, out);
  return out;
}

/** The columns of every snapshot, if each is there and describes that snapshot's history. */
function columnsOf(
  snapshots: readonly MarketSnapshot[],
  given: readonly (HistoryColumns | undefined)[],
): HistoryColumns[] | undefined {
  if (given.length !== snapshots.length) return undefined;
  const columns: HistoryColumns[] = [];
  for (let i = 0; i < snapshots.length; i++) {
    const s = snapshots[i] as MarketSnapshot;
    const c = given[i];
    if (c === undefined || c.history !== s.history || c.ts.length < c.start + s.history.length)
      return undefined;
    columns.push(c);
  }
  return columns;
}

/**
 * Same window and arithmetic as fromBars, over flat arrays: per symbol, walk back while its timestamps match the first
 * symbol's (the times in ms first: different instants end the run at once; equal ones compare the strings, as
 * fromBars does); the window is the shortest such run.
 */
function fromColumns(
  snapshots: readonly MarketSnapshot[],
  columns: readonly HistoryColumns[],
): UniverseReturns | undefined {
  const first = columns[0];
  if (first === undefined) return undefined;
  const n = columns.length;
  let aligned = Number.POSITIVE_INFINITY;
  for (const c of columns) aligned = Math.min(aligned, c.history.length);
  const firstTimes = first.ts;
  const firstEnd = first.start + first.history.length; // one past the last bar
  for (let i = 1; i < n; i++) {
    const c = columns[i] as HistoryColumns;
    aligned = matchingRun(first, firstEnd, c, c.start + c.history.length, aligned);
  }
  const m = Math.max(0, aligned - 1);
  const returns: Float64Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = columns[i] as HistoryColumns;
    // Return t of the window ends at bar start + t + 1: the feed divided it when that bar was pushed.
    const start = c.start + c.history.length - aligned;
    returns[i] = c.returns.subarray(start + 1, start + 1 + m);
  }
  return universeReturns(snapshots, returns, () => firstTimes.slice(firstEnd - m, firstEnd));
}

/**
 * How many bars back a symbol's timestamps were last found to match the first symbol's, per pair of time columns:
 * at least `run` bars ending at (firstEnd, end), exactly `run` when `exact`. A cycle later both columns are one bar
 * longer and the walk goes on from there instead of from the newest bar (a daily universe of 36 symbols walked
 * ~9,000 bars per cycle, 6% of the run). Columns are never modified below their end, and a trimmed feed has new ones.
 */
interface MatchRun {
  readonly firstTimes: readonly string[];
  readonly times: readonly string[];
  readonly firstEnd: number;
  readonly end: number;
  readonly run: number;
  readonly exact: boolean;
}

const matchRuns = new WeakMap<Float64Array, WeakMap<Float64Array, MatchRun>>();

/** min(the number of newest bars whose times match the first column's, cap): what a walk back from the end finds. */
function matchingRun(
  first: HistoryColumns,
  firstEnd: number,
  other: HistoryColumns,
  end: number,
  cap: number,
): number {
  const firstIds = first.timeIds;
  const firstTimes = first.ts;
  const ids = other.timeIds;
  const times = other.ts;
  // Unequal instants end the run at once; equal ones compare the strings, as fromBars does.
  const same = (k: number) =>
    ids[end - k] === firstIds[firstEnd - k] && times[end - k] === firstTimes[firstEnd - k];
  let byFirst = matchRuns.get(firstIds);
  if (byFirst === undefined) {
    byFirst = new WeakMap();
    matchRuns.set(firstIds, byFirst);
  }
  const known = byFirst.get(ids);
  let run = 0;
  let exact = false;
  if (known !== undefined && known.firstTimes === firstTimes && known.times === times) {
    if (known.firstEnd === firstEnd && known.end === end) {
      run = known.run;
      exact = known.exact;
    } else if (known.firstEnd === firstEnd - 1 && known.end === end - 1 && cap >= 1) {
      // The newest bar is the one the last walk had not seen; the bars behind it are the ones it had.
      if (same(1)) {
        run = known.run + 1;
        exact = known.exact;
      } else exact = true;
    }
  }
  let found: number;
  if (exact || run >= cap) found = Math.min(run, cap);
  else {
    let k = run + 1;
    while (k <= cap && same(k)) k++;
    found = k - 1;
    run = found;
    exact = k <= cap;
  }
  byFirst.set(ids, { firstTimes, times, firstEnd, end, run, exact });
  return found;
}

function fromBars(snapshots: readonly MarketSnapshot[]): UniverseReturns {
  const n = snapshots.length;
  const histories = snapshots.map((s) => s.history);
  let bars = n === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (const h of histories) bars = Math.min(bars, h.length);
  const first = histories[0];
  let aligned = 0;
  if (first !== undefined) {
    const firstLength = first.length;
    walk: for (let k = 1; k <= bars; k++) {
      const ts = (first[firstLength - k] as { ts: string }).ts;
      for (let i = 1; i < n; i++) {
        const h = histories[i] as readonly { ts: string }[];
        if ((h[h.length - k] as { ts: string }).ts !== ts) break walk;
      }
      aligned = k;
    }
  }
  const m = Math.max(0, aligned - 1);
  const returns = histories.map((h) => {
    const r: number[] = new Array(m);
    const start = h.length - aligned;
    let previous = m > 0 ? (h[start] as { close: number }).close : 0;
    for (let t = 0; t < m; t++) {
      const close = (h[start + t + 1] as { close: number }).close;
      r[t] = close / previous - 1;
      previous = close;
    }
    return r;
  });
  return universeReturns(snapshots, returns, () => {
    const dates: string[] = [];
    if (first) for (let t = 0; t < m; t++) dates.push((first[first.length - m + t] as { ts: string }).ts);
    return dates;
  });
}

function universeReturns(
  snapshots: readonly MarketSnapshot[],
  returns: readonly ArrayLike<number>[],
  listDates: () => string[],
): UniverseReturns {
  let dates: string[] | undefined;
  return {
    symbols: snapshots.map((s) => s.symbol),
    // Built on first read: the agents only need the count.
    get dates() {
      dates ??= listDates();
      return dates;
    },
    returns,
  };
}

/** Number of dates in the window (= dates.length, without building the dates). */
export function returnCount(universe: UniverseReturns): number {
  return universe.returns[0]?.length ?? universe.dates.length;
}

/** Equal-weight universe return per date (rebalanced daily). */
export function equalWeightReturns(universe: UniverseReturns): number[] {
  const m = returnCount(universe);
  const out: number[] = new Array(m).fill(0);
  const n = universe.returns.length;
  if (n === 0) return out;
  for (const r of universe.returns)
    for (let t = 0; t < m; t++) out[t] = (out[t] as number) + (r[t] as number) / n;
  return out;
}
