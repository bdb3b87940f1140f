import type { Bar } from '@ats/contracts';
import { LookAheadError } from './errors';
import { type BarFeed, emptyOhlcvColumns, type FeedMetadata, OHLCV_FIELDS } from './feed';

/** A symbol by its position in `view.symbols` (fast, for hot loops) or by ticker. */
export type SymbolRef = number | string;

interface VisibleSeries {
  readonly symbol: string;
  /** Bar times (the merged timeline's strings); only the first `count` are visible. */
  readonly ts: string[] | readonly string[];
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Bars revealed so far: reads past it are look-ahead. */
  count: number;
}

/** What only the engine holds: the ability to move the clock and reveal the bars of the new step. */
export interface MarketViewWriter {
  /**
   * Moves the clock to `step` and copies that step's bars into the view: for k in [first, last), the bar of
   * symbol `eventSymbol[k]` with OHLCV at `eventOhlcv[5k .. 5k+4]`. The arrays are read during the call only.
   */
  revealStep(
    step: number,
    asOf: string,
    eventSymbol: Int32Array,
    eventOhlcv: Float64Array,
    first: number,
    last: number,
  ): void;
}

/** The engine's writer of a view over a feed's own columns: revealing a step copies nothing. */
export interface FeedViewWriter {
  /** Moves the clock to `step` of the feed and makes its bars (events [eventStart[step], eventStart[step+1])) visible. */
  revealStep(step: number): void;
}

/**
 * Point-in-time market data as of the close of the current step. Every read is bounded by the bars revealed so
 * far, and no reference to the bars behind it is reachable from outside: a request past the last revealed bar
 * (negative `ago`, index >= barCount) throws LookAheadError. The bars are either the view's own copies, appended as
 * the clock advances (MarketView.create), or the feed's columns, read in place (MarketView.ofFeed: one copy of the
 * bars from file to strategy).
 */
export class MarketView {
  readonly symbols: readonly string[];
  readonly metadata: FeedMetadata;
  readonly #series: VisibleSeries[];
  readonly #indexBySymbol: Map<string, number>;
  /** Step at which each symbol last printed, to answer "did it trade today". */
  readonly #lastStep: Int32Array;
  /** Symbols that printed at the current step, in symbol order. */
  readonly #printed: Int32Array;
  #printedCount = 0;
  #step = -1;
  #asOf = '';

  private constructor(symbols: readonly string[], series: VisibleSeries[], metadata: FeedMetadata) {
    this.symbols = symbols;
    this.metadata = metadata;
    this.#indexBySymbol = new Map(symbols.map((s, i) => [s, i]));
    this.#lastStep = new Int32Array(symbols.length).fill(-1);
    this.#printed = new Int32Array(symbols.length);
    this.#series = series;
  }

  /** An empty view and the writer that fills it with copies. Capacities size the buffers; they carry no prices. */
  static create(
    symbols: readonly string[],
    capacities: readonly number[],
    metadata: FeedMetadata,
  ): { view: MarketView; writer: MarketViewWriter } {
    const series = symbols.map((symbol, i): VisibleSeries => {
      const n = capacities[i] as number;
      return {
        symbol,
        ts: new Array<string>(n),
        ...emptyOhlcvColumns(n),
        count: 0,
      };
    });
    const view = new MarketView(symbols, series, metadata);
    const writer: MarketViewWriter = {
      revealStep(step, asOf, eventSymbol, eventOhlcv, first, last) {
        let count = 0;
        for (let k = first; k < last; k++) {
          const symbolIndex = eventSymbol[k] as number;
          const to = series[symbolIndex] as VisibleSeries;
          const i = to.count;
          const source = k * OHLCV_FIELDS;
          (to.ts as string[])[i] = asOf;
          to.open[i] = eventOhlcv[source] as number;
          to.high[i] = eventOhlcv[source + 1] as number;
          to.low[i] = eventOhlcv[source + 2] as number;
          to.close[i] = eventOhlcv[source + 3] as number;
          to.volume[i] = eventOhlcv[source + 4] as number;
          to.count = i + 1;
          view.#lastStep[symbolIndex] = step;
          view.#printed[count++] = symbolIndex;
        }
        view.#printedCount = count;
        view.#step = step;
        view.#asOf = asOf;
      },
    };
    return { view, writer };
  }

  /**
   * A view over the feed's own columns and the writer that advances it: the k-th bar a symbol reveals is bar k of
   * its series (a feed's events follow each series in order), so revealing a step only moves counts.
   */
  static ofFeed(feed: BarFeed): { view: MarketView; writer: FeedViewWriter } {
    const series = feed.series.map(
      (s): VisibleSeries => ({
        symbol: s.symbol,
        ts: s.ts,
        open: s.open,
        high: s.high,
        low: s.low,
        close: s.close,
        volume: s.volume,
        count: 0,
      }),
    );
    const view = new MarketView(feed.symbols, series, feed.metadata);
    const { eventStart, eventSymbol, timestamps } = feed;
    const lastStep = view.#lastStep;
    const printed = view.#printed;
    const writer: FeedViewWriter = {
      revealStep(step) {
        const first = eventStart[step] as number;
        const last = eventStart[step + 1] as number;
        let count = 0;
        for (let k = first; k < last; k++) {
          const symbolIndex = eventSymbol[k] as number;
          (series[symbolIndex] as VisibleSeries).count++;
          lastStep[symbolIndex] = step;
          printed[count++] = symbolIndex;
        }
        view.#printedCount = count;
        view.#step = step;
        view.#asOf = timestamps[step] as string;
      },
    };
    return { view, writer };
  }

  /** Decision time: the current step's timestamp (bars up to and including it are visible). */
  get asOf(): string {
    return this.#asOf;
  }
  /** Index of the current step on the merged timeline. */
  get step(): number {
    return this.#step;
  }

  indexOf(symbol: string): number {
    const index = this.#indexBySymbol.get(symbol);
    if (index === undefined) throw new RangeError(`${symbol} is not in this backtest's universe`);
    return index;
  }

  /** How many symbols printed at the current step (iterate with printedSymbol(k)). */
  get printedCount(): number {
    return this.#printedCount;
  }

  /** Index (into `symbols`) of the k-th symbol that printed at the current step, k < printedCount. */
  printedSymbol(k: number): number {
    if (!(k < 0 || k >= this.#printedCount)) return this.#printed[k] as number;
    throw new RangeError(`only ${this.#printedCount} symbols printed now`);
  }

  /** Bars of the symbol known so far. */
  barCount(symbol: SymbolRef): number {
    return this.#of(symbol).count;
  }

  /** Whether the symbol printed a bar at the current step (false before listing, on halts, after delisting). */
  printedNow(symbol: SymbolRef): boolean {
    const index = typeof symbol === 'number' ? symbol : this.indexOf(symbol);
    return this.#lastStep[index] === this.#step;
  }

  /** `ago` = 0 is the latest known bar, 1 the one before, and so on. */
  close(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.close[this.#agoIndex(s, ago)] as number;
  }
  open(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.open[this.#agoIndex(s, ago)] as number;
  }
  high(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.high[this.#agoIndex(s, ago)] as number;
  }
  low(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.low[this.#agoIndex(s, ago)] as number;
  }
  volume(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.volume[this.#agoIndex(s, ago)] as number;
  }
  ts(symbol: SymbolRef, ago = 0): string {
    const s = this.#of(symbol);
    return s.ts[this.#agoIndex(s, ago)] as string;
  }

  /** Close of the symbol's bar number `index` (0 = its first bar). */
  closeAt(symbol: SymbolRef, index: number): number {
    const s = this.#of(symbol);
    return s.close[this.#checkIndex(s, index)] as number;
  }

  /** The bar `ago` bars back as a new contract Bar (objects are built on request, not kept, to bound memory). */
  bar(symbol: SymbolRef, ago = 0): Bar {
    const s = this.#of(symbol);
    return this.#barAt(s, this.#agoIndex(s, ago));
  }

  /** Up to the last `n` known bars, oldest first (fewer when the symbol has fewer). */
  history(symbol: SymbolRef, n: number): Bar[] {
    const s = this.#of(symbol);
    const from = Math.max(0, s.count - Math.max(0, Math.floor(n)));
    const out = new Array<Bar>(s.count - from);
    for (let i = from; i < s.count; i++) out[i - from] = this.#barAt(s, i);
    return out;
  }

  // The checks below run on every read: each keeps its common case small enough to inline into the caller's loop
  // and leaves the refusals (and their messages) to a function of their own.
  #of(symbol: SymbolRef): VisibleSeries {
    const s = this.#series[typeof symbol === 'number' ? symbol : this.indexOf(symbol)];
    return s === undefined ? this.#outsideUniverse(symbol) : s;
  }

  #outsideUniverse(symbol: SymbolRef): never {
    throw new RangeError(`symbol index ${String(symbol)} is outside the universe`);
  }

  #agoIndex(s: VisibleSeries, ago: number): number {
    const index = s.count - 1 - ago;
    // ago >= 0 keeps index below count; (index | 0) === index is Number.isInteger within [0, count).
    if (ago >= 0 && index >= 0 && (index | 0) === index) return index;
    return this.#refuseAgo(s, ago);
  }

  #refuseAgo(s: VisibleSeries, ago: number): never {
    if (ago < 0) throw new LookAheadError(s.symbol, s.count - 1 - ago, s.count, this.#asOf);
    return this.#refuseIndex(s, s.count - 1 - ago);
  }

  #checkIndex(s: VisibleSeries, index: number): number {
    if (index >= 0 && index < s.count && (index | 0) === index) return index;
    return this.#refuseIndex(s, index);
  }

  #refuseIndex(s: VisibleSeries, index: number): never {
    if (index >= s.count) throw new LookAheadError(s.symbol, index, s.count, this.#asOf);
    throw new RangeError(`${s.symbol}: no bar #${index} (${s.count} known as of ${this.#asOf})`);
  }

  #barAt(s: VisibleSeries, index: number): Bar {
    return {
      symbol: s.symbol,
      timeframe: this.metadata.timeframe,
      ts: s.ts[index] as string,
      open: s.open[index] as number,
      high: s.high[index] as number,
      low: s.low[index] as number,
      close: s.close[index] as number,
      volume: s.volume[index] as number,
      adjusted: this.metadata.adjusted,
    };
  }
}
