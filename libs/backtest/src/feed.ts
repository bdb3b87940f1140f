import type { Bar, Timeframe } from '@ats/contracts';
import { cashDividendsFromAdjustedClose } from '@ats/execution';
import { InvalidFeedError } from './errors';

/** Fields per bar in interleaved OHLCV blocks: open, high, low, close, volume. */
export const OHLCV_FIELDS = 5;

/** The price and volume columns of a series, one slot per bar. */
export type OhlcvColumns = Pick<SymbolColumns, 'open' | 'high' | 'low' | 'close' | 'volume'>;

/** Zeroed price and volume columns for `n` bars, which the feed, the random walk and the market view fill in. */
export function emptyOhlcvColumns(n: number): OhlcvColumns {
  return {
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** One symbol's bars as columns (no per-bar objects: the hot loop reads typed arrays). */
export interface SymbolColumns {
  readonly symbol: string;
  /** Bar open times, ISO-8601 UTC, strictly increasing. */
  readonly ts: readonly string[];
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /**
   * Cash dividend per share on each bar (its ex-date), 0 elsewhere; absent when the source has no adjusted close.
   * Derived from `Bar.adjClose` by cashDividendsFromAdjustedClose (docs/metrics.md).
   */
  readonly dividend?: Float64Array;
}

export interface FeedMetadata {
  readonly timeframe: Timeframe;
  /**
   * Whether the source adjusted prices (contract `Bar.adjusted`). One feed never mixes adjusted and unadjusted
   * series: a split-adjusted series next to an unadjusted one would make cross-sectional comparisons and the
   * benchmark wrong. The engine uses prices exactly as given (the bundled CSVs: split-adjusted, not dividend-adjusted,
   * so returns exclude dividends).
   */
  readonly adjusted: boolean;
}

/**
 * Several symbols' bars merged onto one timeline (the union of their timestamps, sorted). At step i the symbols
 * that printed a bar are `eventSymbol[eventStart[i] .. eventStart[i+1])`, with that bar's index in their own series
 * in `eventBar` (compressed rows, so a step costs no allocation). Symbols are sorted, and events within a step follow
 * symbol order, so runs are deterministic.
 */
export class BarFeed {
  readonly symbols: readonly string[];
  readonly series: readonly SymbolColumns[];
  readonly timestamps: readonly string[];
  readonly eventStart: Int32Array;
  readonly eventSymbol: Int32Array;
  readonly eventBar: Int32Array;
  /**
   * The same bars in event (time) order, OHLCV interleaved: event k's open is eventOhlcv[5k], its close
   * eventOhlcv[5k + 3]. A step's bars are contiguous, so the hot loop reads one block instead of touching five
   * arrays per symbol (which thrashes the TLB on wide universes).
   */
  readonly eventOhlcv: Float64Array;
  /** Cash dividend per share of event k (0 when none); undefined when no series pays any. */
  readonly eventDividend: Float64Array | undefined;
  readonly metadata: FeedMetadata;

  constructor(series: readonly SymbolColumns[], metadata: FeedMetadata) {
    const sorted = [...series].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    const seen = new Set<string>();
    for (const s of sorted) {
      if (seen.has(s.symbol)) throw new InvalidFeedError(s.symbol, 'symbol appears twice in the feed');
      seen.add(s.symbol);
      validateColumns(s);
    }
    this.series = sorted;
    this.symbols = sorted.map((s) => s.symbol);
    this.metadata = metadata;
    const all = new Set<string>();
    for (const s of sorted) for (const ts of s.ts) all.add(ts);
    // ISO-8601 UTC strings of one format sort chronologically as strings.
    const timestamps = [...all].sort();
    this.timestamps = timestamps;
    const stepOf = new Map<string, number>();
    for (let i = 0; i < timestamps.length; i++) stepOf.set(timestamps[i] as string, i);
    const counts = new Int32Array(timestamps.length + 1);
    let events = 0;
    for (const s of sorted) {
      for (const ts of s.ts) {
        const slot = (stepOf.get(ts) as number) + 1;
        counts[slot] = (counts[slot] as number) + 1;
      }
      events += s.ts.length;
    }
    for (let i = 1; i <= timestamps.length; i++)
      counts[i] = (counts[i] as number) + (counts[i - 1] as number);
    this.eventStart = counts;
    this.eventSymbol = new Int32Array(events);
    this.eventBar = new Int32Array(events);
    this.eventOhlcv = new Float64Array(events * OHLCV_FIELDS);
    const paysDividends = sorted.some((s) => s.dividend?.some((d) => d > 0));
    const eventDividend = paysDividends ? new Float64Array(events) : undefined;
    this.eventDividend = eventDividend;
    const cursor = counts.slice(0, timestamps.length);
    sorted.forEach((s, symbolIndex) => {
      for (let b = 0; b < s.ts.length; b++) {
        const step = stepOf.get(s.ts[b] as string) as number;
        const slot = cursor[step] as number;
        this.eventSymbol[slot] = symbolIndex;
        this.eventBar[slot] = b;
        const at = slot * OHLCV_FIELDS;
        this.eventOhlcv[at] = s.open[b] as number;
        this.eventOhlcv[at + 1] = s.high[b] as number;
        this.eventOhlcv[at + 2] = s.low[b] as number;
        this.eventOhlcv[at + 3] = s.close[b] as number;
        this.eventOhlcv[at + 4] = s.volume[b] as number;
        if (eventDividend && s.dividend) eventDividend[slot] = s.dividend[b] as number;
        cursor[step] = slot + 1;
      }
    });
  }

  /** Total bar events (Σ bars over symbols). */
  get barCount(): number {
    return this.eventSymbol.length;
  }

  /** Contract bars grouped per symbol, validated for order and for one adjustment basis and timeframe. */
  static fromBars(
    barsBySymbol: ReadonlyMap<string, readonly Bar[]> | Record<string, readonly Bar[]>,
  ): BarFeed {
    const entries = barsBySymbol instanceof Map ? [...barsBySymbol.entries()] : Object.entries(barsBySymbol);
    let metadata: FeedMetadata | undefined;
    const series: SymbolColumns[] = [];
    for (const [symbol, bars] of entries) {
      const n = bars.length;
      const adjClose = new Float64Array(n).fill(Number.NaN);
      let hasAdjClose = false;
      const columns = {
        symbol,
        ts: new Array<string>(n),
        ...emptyOhlcvColumns(n),
      };
      for (let i = 0; i < n; i++) {
        const bar = bars[i] as Bar;
        if (bar.symbol !== symbol)
          throw new InvalidFeedError(symbol, `bar ${bar.ts} belongs to ${bar.symbol}`);
        if (metadata === undefined) metadata = { timeframe: bar.timeframe, adjusted: bar.adjusted };
        if (bar.adjusted !== metadata.adjusted) {
          throw new InvalidFeedError(
            symbol,
            'mixes split/dividend-adjusted and unadjusted prices in one feed',
          );
        }
        if (bar.timeframe !== metadata.timeframe) {
          throw new InvalidFeedError(
            symbol,
            `mixes ${bar.timeframe} and ${metadata.timeframe} bars in one feed`,
          );
        }
        columns.ts[i] = bar.ts;
        columns.open[i] = bar.open;
        columns.high[i] = bar.high;
        columns.low[i] = bar.low;
        columns.close[i] = bar.close;
        columns.volume[i] = bar.volume;
        if (bar.adjClose !== undefined && !bar.adjusted) {
          adjClose[i] = bar.adjClose;
          hasAdjClose = true;
        }
      }
      series.push(
        hasAdjClose
          ? { ...columns, dividend: cashDividendsFromAdjustedClose(columns.close, adjClose) }
          : columns,
      );
    }
    return new BarFeed(series, metadata ?? { timeframe: '1d', adjusted: false });
  }
}

function validateColumns(s: SymbolColumns): void {
  const n = s.ts.length;
  for (const column of [s.open, s.high, s.low, s.close, s.volume]) {
    if (column.length !== n) throw new InvalidFeedError(s.symbol, 'columns have different lengths');
  }
  if (s.dividend && s.dividend.length !== n)
    throw new InvalidFeedError(s.symbol, 'columns have different lengths');
  for (let i = 0; i < n; i++) {
    if (i > 0 && !((s.ts[i] as string) > (s.ts[i - 1] as string))) {
      throw new InvalidFeedError(s.symbol, `timestamps not strictly increasing at ${s.ts[i]}`);
    }
    const open = s.open[i] as number;
    const close = s.close[i] as number;
    if (!(open > 0 && close > 0 && (s.low[i] as number) > 0) || !((s.volume[i] as number) >= 0)) {
      throw new InvalidFeedError(s.symbol, `non-positive price or negative volume at ${s.ts[i]}`);
    }
  }
}
