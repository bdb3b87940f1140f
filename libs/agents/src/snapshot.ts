import {
  type Bar,
  type IndicatorValues,
  type MarketSnapshot,
  type NewsItem,
  TIMEFRAME_MS,
  type TickerSymbol,
} from '@ats/contracts';
import { IndicatorSet } from '@ats/indicators';

/** Bars of history a snapshot carries (a year of daily bars plus a margin for 252-day statistics). */
export const DEFAULT_LOOKBACK_BARS = 260;
/** OBV change is measured over this many bars (accumulation vs distribution over about a month). */
export const OBV_TREND_BARS = 20;

/**
 * The indicator keys of MarketSnapshot.indicators (null while warming up). Periods are the IndicatorSet defaults:
 * SMA 20/50/200, EMA 12/26, MACD 12/26/9, RSI 14, Bollinger 20×2, ATR 14, volume SMA 20, stochastic, %R 14.
 * Events are encoded as numbers: direction +1/−1 and bars since the event.
 */
export const INDICATOR_KEYS = [
  'sma20',
  'sma50',
  'sma200',
  'ema12',
  'ema26',
  'macd.macd',
  'macd.signal',
  'macd.histogram',
  'rsi14',
  'stochastic.k',
  'stochastic.d',
  'williamsR14',
  'bollinger.upper',
  'bollinger.middle',
  'bollinger.lower',
  'bollinger.percentB',
  'bollinger.bandwidth',
  'atr14',
  'volumeSma20',
  'relativeVolume',
  'obv',
  'obv.change20',
  'support.price',
  'support.touches',
  'resistance.price',
  'resistance.touches',
  'trend.direction',
  'pattern.maCross',
  'pattern.maCross.barsAgo',
  'pattern.breakout',
  'pattern.breakout.barsAgo',
  'pattern.breakout.volumeRatio',
  'pattern.double',
  'pattern.double.barsAgo',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

/** The snapshot and an IndicatorSet disagree on which bar is the last one. */
export class SnapshotOutOfSyncError extends Error {
  constructor(
    readonly symbol: string,
    readonly lastBarTs: string,
    readonly indicatorTs: string | undefined,
  ) {
    super(
      `buildSnapshot(${symbol}): last bar ${lastBarTs} but the indicator set is at ${indicatorTs ?? 'no bar'}`,
    );
    this.name = 'SnapshotOutOfSyncError';
  }
}

export class EmptyHistoryError extends Error {
  constructor(readonly symbol: string) {
    super(`buildSnapshot(${symbol}): no bars`);
    this.name = 'EmptyHistoryError';
  }
}

/** The IndicatorSet whose values the snapshot keys name (defaults of @ats/indicators). */
export function createIndicatorSet(): IndicatorSet {
  return new IndicatorSet();
}

/** Close time of a bar: open time + bar length (a daily bar closes at the end of its UTC day). */
export function barCloseTime(bar: Pick<Bar, 'ts' | 'timeframe'>): string {
  return new Date(Date.parse(bar.ts) + TIMEFRAME_MS[bar.timeframe]).toISOString();
}

export interface BuildSnapshotOptions {
  /** Bars of history to carry (default DEFAULT_LOOKBACK_BARS). */
  readonly lookback?: number;
  /** Decision time; default the close of the last bar. Must not be before the last bar's open. */
  readonly asOf?: string;
  /** Candidate news; only items for this symbol published at or before asOf are kept. */
  readonly news?: readonly NewsItem[];
}

/**
 * Point-in-time MarketSnapshot of `symbol` from `barsUpToT` (oldest first, last = bar t). Reads nothing beyond the
 * input. Fast path: pass an IndicatorSet the caller has fed exactly these bars (checked by the last bar's ts); then
 * `barsUpToT` only needs the last `lookback` bars. Without a set, one is built from all of `barsUpToT`.
 */
export function buildSnapshot(
  symbol: TickerSymbol,
  barsUpToT: readonly Bar[],
  indicatorSet?: IndicatorSet,
  options: BuildSnapshotOptions = {},
): MarketSnapshot {
  const last = barsUpToT[barsUpToT.length - 1];
  if (last === undefined) throw new EmptyHistoryError(symbol);
  let set = indicatorSet;
  if (set === undefined) {
    set = createIndicatorSet();
    for (const bar of barsUpToT) set.update(bar);
  } else if (set.lastBar?.ts !== last.ts) {
    throw new SnapshotOutOfSyncError(symbol, last.ts, set.lastBar?.ts);
  }
  const lookback = options.lookback ?? DEFAULT_LOOKBACK_BARS;
  const history =
    barsUpToT.length > lookback ? barsUpToT.slice(barsUpToT.length - lookback) : barsUpToT.slice();
  const asOf = options.asOf ?? barCloseTime(last);
  const news = options.news ? newsFor(symbol, options.news, asOf) : [];
  return {
    symbol,
    asOf,
    price: last.close,
    volume: last.volume,
    ohlc: { open: last.open, high: last.high, low: last.low, close: last.close },
    indicators: readIndicators(set, history),
    history,
    news,
  };
}

/** News about `symbol` published at or before `asOf`, oldest first. */
export function newsFor(symbol: TickerSymbol, news: readonly NewsItem[], asOf: string): NewsItem[] {
  // Most decisions of a backtest have no news: skip parsing asOf (once per symbol per decision) for nothing.
  if (news.length === 0) return [];
  const cutoff = Date.parse(asOf);
  // Each item's time parsed once, not twice per comparison.
  const kept: { readonly item: NewsItem; readonly ms: number }[] = [];
  for (const n of news) {
    if (!n.symbols.includes(symbol)) continue;
    const ms = Date.parse(n.publishedAt);
    if (ms <= cutoff) kept.push({ item: n, ms });
  }
  kept.sort((a, b) => a.ms - b.ms || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0));
  return kept.map((k) => k.item);
}

/**
 * Timestamps and closes of a snapshot's history as flat arrays, from the SymbolFeed that built it
 * (SymbolFeed.historyColumns): the universe returns read these instead of walking ~260 Bar objects per symbol per
 * cycle. The cycle hands them to the agents beside the snapshots (DecisionContext.historyColumns); they describe
 * `history` only (checked by the reader).
 */
export interface HistoryColumns {
  readonly history: readonly Bar[];
  /** history[j] is at index start + j of each column (the feed's own arrays, never modified below their end). */
  readonly start: number;
  readonly ts: readonly string[];
  /**
   * Each ts as epoch ms: unequal numbers ⇒ unequal strings, so a reader rejects on the number and compares the
   * strings only when the numbers are equal ('…00Z' and '…00.000Z' are one instant but two strings).
   */
  readonly timeIds: Float64Array;
  readonly closes: Float64Array;
  /**
   * returns[k] = closes[k] / closes[k − 1] − 1, computed once when bar k was pushed (NaN for a feed's first bar): the
   * universe statistics read a window of it in place instead of dividing ~260 closes per symbol per cycle again.
   */
  readonly returns: Float64Array;
}

/**
 * Keeps one IndicatorSet and a bounded bar window per symbol: the backtester pushes each bar once (O(1) amortised)
 * and asks for a snapshot at each decision time.
 */
export class SymbolFeed {
  readonly #set = createIndicatorSet();
  #bars: Bar[] = [];
  /** ts and close of #bars, index for index (same trimming). */
  #times: string[] = [];
  #timeIds: Float64Array;
  #closes: Float64Array;
  #returns: Float64Array;
  readonly #lookback: number;
  /** Close time of the last bar, formatted on the first snapshot after it (a push does not need it). */
  #closeTime: string | undefined;
  #lastMs = Number.NEGATIVE_INFINITY;
  /** The flat columns of the last snapshot's history. */
  #lastColumns: HistoryColumns | undefined;

  constructor(
    readonly symbol: TickerSymbol,
    lookback: number = DEFAULT_LOOKBACK_BARS,
  ) {
    this.#lookback = lookback;
    this.#closes = new Float64Array(2 * Math.max(1, lookback));
    this.#returns = new Float64Array(2 * Math.max(1, lookback));
    this.#timeIds = new Float64Array(2 * Math.max(1, lookback));
  }

  push(bar: Bar): void {
    const ms = Date.parse(bar.ts);
    const last = this.#bars[this.#bars.length - 1];
    if (last !== undefined && ms <= this.#lastMs) {
      throw new RangeError(`SymbolFeed(${this.symbol}): bar ${bar.ts} is not after ${last.ts}`);
    }
    this.#set.update(bar);
    const k = this.#bars.length;
    this.#closes[k] = bar.close;
    // The division fromColumns made per cycle, made once: the same doubles, so the same bits.
    this.#returns[k] = k === 0 ? Number.NaN : bar.close / (this.#closes[k - 1] as number) - 1;
    // The parsed time, not an id from a table of strings: a Map lookup per push cost 0.6 µs with new dates.
    this.#timeIds[this.#bars.length] = ms;
    this.#bars.push(bar);
    this.#times.push(bar.ts);
    this.#lastMs = ms;
    // An unparsable ts fails here, on the push, as it always has.
    this.#closeTime = Number.isNaN(ms) ? barCloseTime(bar) : undefined;
    // Trim in chunks so push stays O(1) amortised.
    const count = this.#bars.length;
    if (count >= 2 * this.#lookback) {
      const keepFrom = count - this.#lookback;
      this.#bars = this.#bars.slice(keepFrom);
      this.#times = this.#times.slice(keepFrom);
      // Fresh buffers, not copyWithin: snapshots already taken keep reading the old ones.
      const closes = new Float64Array(this.#closes.length);
      closes.set(this.#closes.subarray(keepFrom, count));
      this.#closes = closes;
      const returns = new Float64Array(this.#returns.length);
      returns.set(this.#returns.subarray(keepFrom, count));
      this.#returns = returns;
      const ids = new Float64Array(this.#timeIds.length);
      ids.set(this.#timeIds.subarray(keepFrom, count));
      this.#timeIds = ids;
    }
  }

  get barCount(): number {
    return this.#set.barIndex + 1;
  }

  /** The snapshot after the last bar pushed (as buildSnapshot with this feed's set and lookback). */
  snapshot(options: Omit<BuildSnapshotOptions, 'lookback'> = {}): MarketSnapshot {
    const bars = this.#bars;
    const count = bars.length;
    const last = bars[count - 1];
    if (last === undefined) throw new EmptyHistoryError(this.symbol);
    let asOf = options.asOf;
    if (asOf === undefined) {
      this.#closeTime ??= new Date(this.#lastMs + TIMEFRAME_MS[last.timeframe]).toISOString();
      asOf = this.#closeTime;
    }
    const start = count > this.#lookback ? count - this.#lookback : 0;
    const history = bars.slice(start);
    this.#lastColumns = {
      history,
      start,
      ts: this.#times,
      timeIds: this.#timeIds,
      closes: this.#closes,
      returns: this.#returns,
    };
    return {
      symbol: this.symbol,
      asOf,
      price: last.close,
      volume: last.volume,
      ohlc: { open: last.open, high: last.high, low: last.low, close: last.close },
      indicators: readIndicators(this.#set, history),
      history,
      news: options.news ? newsFor(this.symbol, options.news, asOf) : [],
    };
  }

  /** The flat ts/close columns of the last snapshot's history (undefined before the first snapshot). */
  historyColumns(): HistoryColumns | undefined {
    return this.#lastColumns;
  }
}

/** A finite indicator value, or null (warming up). */
function v(x: number | undefined): number | null {
  return x === undefined || !Number.isFinite(x) ? null : x;
}

function readIndicators(set: IndicatorSet, history: readonly Bar[]): IndicatorValues {
  const last = set.lastBar;
  const barIndex = set.barIndex;
  const macd = set.macd.getResult();
  const stochastic = set.stochastic.getResult();
  const bands = set.bollinger.getResult();
  const volumeSma = set.volumeSma.getResult();
  const levels = set.supportResistance.nearestLevels();
  const structure = set.trendStructure.getResult();
  const cross = set.maCrossover.getResult();
  const breakout = set.breakout.getResult();
  const double = set.doubleTopBottom.getResult();
  let obvChange: number | null = null;
  if (history.length > OBV_TREND_BARS) {
    // OBV over the last OBV_TREND_BARS + 1 bars starts at 0, so its change is its last value (as computeObv, in place).
    let obv = 0;
    let previous = (history[history.length - OBV_TREND_BARS - 1] as Bar).close;
    for (let i = history.length - OBV_TREND_BARS; i < history.length; i++) {
      const bar = history[i] as Bar;
      if (bar.close > previous) obv += bar.volume;
      else if (bar.close < previous) obv -= bar.volume;
      previous = bar.close;
    }
    obvChange = obv;
  }
  return {
    sma20: v(set.sma.get(20)?.getResult()),
    sma50: v(set.sma.get(50)?.getResult()),
    sma200: v(set.sma.get(200)?.getResult()),
    ema12: v(set.ema.get(12)?.getResult()),
    ema26: v(set.ema.get(26)?.getResult()),
    'macd.macd': v(macd?.macd),
    'macd.signal': v(macd?.signal),
    'macd.histogram': v(macd?.histogram),
    rsi14: v(set.rsi.getResult()),
    'stochastic.k': v(stochastic?.k),
    'stochastic.d': v(stochastic?.d),
    williamsR14: v(set.williamsR.getResult()),
    'bollinger.upper': v(bands?.upper),
    'bollinger.middle': v(bands?.middle),
    'bollinger.lower': v(bands?.lower),
    'bollinger.percentB': v(bands?.percentB),
    'bollinger.bandwidth': v(bands?.bandwidth),
    atr14: v(set.atr.getResult()),
    volumeSma20: v(volumeSma),
    relativeVolume:
      last !== undefined && volumeSma !== undefined && volumeSma > 0 ? last.volume / volumeSma : null,
    obv: v(set.obv.getResult()),
    'obv.change20': obvChange,
    'support.price': v(levels?.supportPrice),
    'support.touches': v(levels?.supportTouches),
    'resistance.price': v(levels?.resistancePrice),
    'resistance.touches': v(levels?.resistanceTouches),
    'trend.direction': structure
      ? structure.trend === 'up'
        ? 1
        : structure.trend === 'down'
          ? -1
          : 0
      : null,
    'pattern.maCross': cross ? (cross.kind === 'golden' ? 1 : -1) : null,
    'pattern.maCross.barsAgo': cross ? barIndex - cross.barIndex : null,
    'pattern.breakout': breakout ? (breakout.direction === 'up' ? 1 : -1) : null,
    'pattern.breakout.barsAgo': breakout ? barIndex - breakout.barIndex : null,
    'pattern.breakout.volumeRatio': breakout ? v(breakout.volumeRatio) : null,
    'pattern.double': double ? (double.kind === 'doubleBottom' ? 1 : -1) : null,
    'pattern.double.barsAgo': double ? barIndex - double.barIndex : null,
  } satisfies Record<IndicatorKey, number | null>;
}
