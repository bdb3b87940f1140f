import type { Bar } from '@ats/contracts';
import { LookAheadError } from './errors';
import { type FeedMetadata, OHLCV_FIELDS } from './feed';

/** A symbol by its position in `view.symbols` (fast, for hot loops) or by ticker. */
export type SymbolRef = number | string;

interface VisibleSeries {
  readonly symbol: string;
  /** Step of each bar on the merged timeline (its timestamp is timeline[step]). */
  readonly step: Int32Array;
  /** Interleaved OHLCV: bar i's open at [5i], high [5i+1], low [5i+2], close [5i+3], volume [5i+4]. */
  readonly ohlcv: Float64Array;
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

/**
 * Point-in-time market data as of the close of the current step. The view holds its own copies of the bars,
 * appended by the engine as its clock advances, so bars after `asOf` are not merely hidden: they are not there.
 * Any request past the last revealed bar (negative `ago`, index >= barCount) throws LookAheadError.
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
  /** Timestamps of the steps revealed so far. */
  readonly #timeline: string[] = [];
  #step = -1;
  #asOf = '';

  private constructor(symbols: readonly string[], capacities: readonly number[], metadata: FeedMetadata) {
    this.symbols = symbols;
    this.metadata = metadata;
    this.#indexBySymbol = new Map(symbols.map((s, i) => [s, i]));
    this.#lastStep = new Int32Array(symbols.length).fill(-1);
    this.#printed = new Int32Array(symbols.length);
    this.#series = symbols.map((symbol, i) => {
      const n = capacities[i] as number;
      return {
        symbol,
        step: new Int32Array(n),
        ohlcv: new Float64Array(n * OHLCV_FIELDS),
        count: 0,
      };
    });
  }

  /** An empty view and the writer that fills it. Capacities size the buffers; they carry no prices. */
  static create(
    symbols: readonly string[],
    capacities: readonly number[],
    metadata: FeedMetadata,
  ): { view: MarketView; writer: MarketViewWriter } {
    const view = new MarketView(symbols, capacities, metadata);
    const writer: MarketViewWriter = {
      revealStep(step, asOf, eventSymbol, eventOhlcv, first, last) {
        view.#step = step;
        view.#asOf = asOf;
        view.#timeline.push(asOf);
        const visible = view.#series;
        const printed = view.#printed;
        const lastStep = view.#lastStep;
        let count = 0;
        for (let k = first; k < last; k++) {
          const symbolIndex = eventSymbol[k] as number;
          const to = visible[symbolIndex] as VisibleSeries;
          const i = to.count;
          to.step[i] = step;
          const source = k * OHLCV_FIELDS;
          const target = i * OHLCV_FIELDS;
          const ohlcv = to.ohlcv;
          ohlcv[target] = eventOhlcv[source] as number;
          ohlcv[target + 1] = eventOhlcv[source + 1] as number;
          ohlcv[target + 2] = eventOhlcv[source + 2] as number;
          ohlcv[target + 3] = eventOhlcv[source + 3] as number;
          ohlcv[target + 4] = eventOhlcv[source + 4] as number;
          to.count = i + 1;
          lastStep[symbolIndex] = step;
          printed[count++] = symbolIndex;
        }
        view.#printedCount = count;
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
    if (k < 0 || k >= this.#printedCount)
      throw new RangeError(`only ${this.#printedCount} symbols printed now`);
    return this.#printed[k] as number;
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
    return s.ohlcv[this.#agoIndex(s, ago) * OHLCV_FIELDS + 3] as number;
  }
  open(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.ohlcv[this.#agoIndex(s, ago) * OHLCV_FIELDS + 0] as number;
  }
  high(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.ohlcv[this.#agoIndex(s, ago) * OHLCV_FIELDS + 1] as number;
  }
  low(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.ohlcv[this.#agoIndex(s, ago) * OHLCV_FIELDS + 2] as number;
  }
  volume(symbol: SymbolRef, ago = 0): number {
    const s = this.#of(symbol);
    return s.ohlcv[this.#agoIndex(s, ago) * OHLCV_FIELDS + 4] as number;
  }
  ts(symbol: SymbolRef, ago = 0): string {
    const s = this.#of(symbol);
    return this.#timeline[s.step[this.#agoIndex(s, ago)] as number] as string;
  }

  /** Close of the symbol's bar number `index` (0 = its first bar). */
  closeAt(symbol: SymbolRef, index: number): number {
    const s = this.#of(symbol);
    return s.ohlcv[this.#checkIndex(s, index) * OHLCV_FIELDS + 3] as number;
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

  #of(symbol: SymbolRef): VisibleSeries {
    const s = this.#series[typeof symbol === 'number' ? symbol : this.indexOf(symbol)];
    if (s === undefined) throw new RangeError(`symbol index ${String(symbol)} is outside the universe`);
    return s;
  }

  #agoIndex(s: VisibleSeries, ago: number): number {
    if (ago < 0) throw new LookAheadError(s.symbol, s.count - 1 - ago, s.count, this.#asOf);
    return this.#checkIndex(s, s.count - 1 - ago);
  }

  #checkIndex(s: VisibleSeries, index: number): number {
    if (index >= s.count) throw new LookAheadError(s.symbol, index, s.count, this.#asOf);
    if (index < 0 || !Number.isInteger(index)) {
      throw new RangeError(`${s.symbol}: no bar #${index} (${s.count} known as of ${this.#asOf})`);
    }
    return index;
  }

  #barAt(s: VisibleSeries, index: number): Bar {
    const at = index * OHLCV_FIELDS;
    return {
      symbol: s.symbol,
      timeframe: this.metadata.timeframe,
      ts: this.#timeline[s.step[index] as number] as string,
      open: s.ohlcv[at] as number,
      high: s.ohlcv[at + 1] as number,
      low: s.ohlcv[at + 2] as number,
      close: s.ohlcv[at + 3] as number,
      volume: s.ohlcv[at + 4] as number,
      adjusted: this.metadata.adjusted,
    };
  }
}
