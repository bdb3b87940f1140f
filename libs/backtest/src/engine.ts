import type { Fill, Order, PortfolioState, Position } from '@ats/contracts';
import {
  type CommissionModel,
  type ExecutionModels,
  type MarketStatistics,
  matchOrder,
  PortfolioLedger,
  type PriceOf,
} from '@ats/execution';
import {
  type BacktestConfig,
  type BenchmarkConfig,
  commissionModelOf,
  resolveConfig,
  slippageModelOf,
} from './config';
import { InvalidBacktestConfigError } from './errors';
import { type BarFeed, OHLCV_FIELDS, type SymbolColumns } from './feed';
import { MarketView, type MarketViewWriter } from './market-view';
import { RebalanceSchedule } from './rebalance';
import {
  type BacktestResult,
  type BenchmarkDescription,
  type DecisionRecord,
  type EquityPoint,
  NO_LLM_USAGE,
  type OrderAdjustment,
  type SignalRecord,
  type TargetRecord,
} from './result';
import type { OrderRequest, PortfolioView, Strategy, StrategyContext } from './strategy';

export interface BacktestProgress {
  step: number;
  steps: number;
  asOf: string;
  equity: number;
}

export interface RunBacktestOptions {
  readonly feed: BarFeed;
  readonly strategy: Strategy;
  readonly config?: Partial<BacktestConfig>;
  readonly onProgress?: (progress: BacktestProgress) => void;
  /** Steps between progress callbacks (default 250, about a year of daily bars). */
  readonly progressEvery?: number;
  /** Monotonic milliseconds for stats.wallMs only; never part of a decision (default performance.now). */
  readonly timer?: () => number;
}

const DEFAULT_PROGRESS_EVERY = 250;
/** Tolerance before truncating a computed share count, so 9.9999999 shares from float error count as 10. */
const SHARE_EPSILON = 1e-9;

interface PendingOrder {
  readonly order: Order;
  readonly symbolIndex: number;
  readonly signedQuantity: number;
  /** Cash effect estimated at the decision close, released when the order fills or expires. */
  readonly cashEstimate: number;
}

function describeBenchmark(benchmark: BenchmarkConfig): BenchmarkDescription {
  return benchmark.kind === 'series'
    ? { kind: 'series', symbol: benchmark.symbol, points: benchmark.ts.length }
    : benchmark;
}

/** Runs one strategy over one feed and returns the full, reproducible result. */
export async function runBacktest(options: RunBacktestOptions): Promise<BacktestResult> {
  return new BacktestRun(options).run();
}

/**
 * One event-driven run on one clock. Per step (a timestamp of the merged timeline), in this order:
 *   0. cash dividends of this step's ex-dates are booked on the positions held at the previous close;
 *   1. orders queued at earlier steps are matched against this step's bar of their symbol (open, or the limit/stop
 *      traded through), sells before buys so sale proceeds fund purchases;
 *   2. this step's bars are revealed to the MarketView (the strategy's only window on prices);
 *   3. the book is marked at the closes (borrow fees charged);
 *   4. strategy.onStep, then strategy.decide at rebalance times; its orders wait for the next bar;
 *   5. an equity point is recorded.
 */
class BacktestRun {
  readonly #feed: BarFeed;
  readonly #strategy: Strategy;
  readonly #config: BacktestConfig;
  readonly #onProgress: ((progress: BacktestProgress) => void) | undefined;
  readonly #progressEvery: number;
  readonly #timer: () => number;
  readonly #models: ExecutionModels;
  readonly #commission: CommissionModel;
  readonly #ledger: PortfolioLedger;
  readonly #view: MarketView;
  readonly #writer: MarketViewWriter;
  readonly #indexBySymbol: Map<string, number>;
  readonly #lastClose: Float64Array;
  readonly #pendingQuantity: Float64Array;
  /** Mirror of the ledger's quantities by symbol index, so marking the book needs no map lookups. */
  readonly #held: Float64Array;
  #pendingCash = 0;
  #pending: PendingOrder[] = [];
  readonly #barNow: Int32Array;
  readonly #priceOf: PriceOf;
  // Slippage statistics over the last `statisticsLookback` bars (rings), kept only when the model needs them.
  readonly #needsStatistics: boolean;
  readonly #rangeRing: Float64Array;
  readonly #volumeRing: Float64Array;
  readonly #rangeSum: Float64Array;
  readonly #volumeSum: Float64Array;
  readonly #revealed: Int32Array;
  // Benchmark: units held per symbol once it has printed; the rest of its allocation sits in cash until then.
  readonly #benchmarkUnits: Float64Array;
  #benchmarkValue: number;
  /** Cash the feed benchmark puts into each symbol: initialCash / n each (equal weight), all of it in one, or none. */
  readonly #benchmarkAllocation: Float64Array;
  /** An outside benchmark series (kind 'series'): its points and the cursor of the last one at or before now. */
  readonly #benchmarkSeries:
    | { readonly ts: readonly string[]; readonly value: readonly number[] }
    | undefined;
  #benchmarkCursor = -1;
  #benchmarkBase = Number.NaN;
  #dividends = 0;
  // Results.
  readonly #orders: Order[] = [];
  readonly #fills: Fill[] = [];
  readonly #decisions: DecisionRecord[] = [];
  readonly #adjustments: OrderAdjustment[] = [];
  readonly #equityCurve: EquityPoint[] = [];
  #orderSeq = 0;
  // Decision-time state.
  #step = -1;
  #asOf = '';
  #equity: number;
  #projectedGross = Number.NaN;
  #projectedGrossStep = -1;
  #decision: DecisionRecord | undefined;
  readonly #matchingBar = { ts: '', open: 0, high: 0, low: 0, close: 0, volume: 0 };

  constructor(options: RunBacktestOptions) {
    this.#feed = options.feed;
    this.#strategy = options.strategy;
    this.#config = resolveConfig(options.config);
    this.#onProgress = options.onProgress;
    this.#progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
    this.#timer = options.timer ?? (() => performance.now());
    this.#commission = commissionModelOf(this.#config.commission);
    this.#models = { commission: this.#commission, slippage: slippageModelOf(this.#config.slippage) };
    this.#ledger = new PortfolioLedger({
      initialCash: this.#config.initialCash,
      allowShort: this.#config.allowShort,
      borrowRateAnnual: this.#config.borrowRateAnnual,
    });
    const n = this.#feed.symbols.length;
    const { view, writer } = MarketView.create(
      this.#feed.symbols,
      this.#feed.series.map((s) => s.ts.length),
      this.#feed.metadata,
    );
    this.#view = view;
    this.#writer = writer;
    this.#indexBySymbol = new Map(this.#feed.symbols.map((s, i) => [s, i]));
    this.#lastClose = new Float64Array(n).fill(Number.NaN);
    this.#pendingQuantity = new Float64Array(n);
    this.#held = new Float64Array(n);
    this.#barNow = new Int32Array(n).fill(-1);
    const lastClose = this.#lastClose;
    const indexBySymbol = this.#indexBySymbol;
    this.#priceOf = (symbol) => {
      const index = indexBySymbol.get(symbol);
      if (index === undefined) return undefined;
      const close = lastClose[index] as number;
      return Number.isNaN(close) ? undefined : close;
    };
    const kind = this.#config.slippage.kind;
    this.#needsStatistics = kind === 'volatility' || kind === 'volume';
    const ringSize = this.#needsStatistics ? n * this.#config.statisticsLookback : 0;
    this.#rangeRing = new Float64Array(ringSize);
    this.#volumeRing = new Float64Array(ringSize);
    this.#rangeSum = new Float64Array(n);
    this.#volumeSum = new Float64Array(n);
    this.#revealed = new Int32Array(n);
    this.#benchmarkUnits = new Float64Array(n);
    this.#benchmarkValue = this.#config.initialCash;
    this.#equity = this.#config.initialCash;
    if (n === 0) throw new InvalidBacktestConfigError('the feed has no symbols');
    const benchmark = this.#config.benchmark;
    this.#benchmarkSeries = undefined;
    this.#benchmarkAllocation = new Float64Array(n);
    if (benchmark.kind === 'series') {
      if (benchmark.ts.length !== benchmark.value.length || benchmark.ts.length === 0) {
        throw new InvalidBacktestConfigError(`benchmark series ${benchmark.symbol} is empty or misaligned`);
      }
      this.#benchmarkSeries = benchmark;
    } else if (benchmark.kind === 'symbol') {
      const index = this.#indexBySymbol.get(benchmark.symbol);
      if (index === undefined) {
        throw new InvalidBacktestConfigError(`benchmark symbol ${benchmark.symbol} is not in the feed`);
      }
      this.#benchmarkAllocation[index] = this.#config.initialCash;
    } else {
      this.#benchmarkAllocation.fill(this.#config.initialCash / n);
    }
  }

  async run(): Promise<BacktestResult> {
    const started = this.#timer();
    const feed = this.#feed;
    const steps = feed.timestamps.length;
    const schedule = new RebalanceSchedule(this.#config.rebalance);
    const context = this.#buildContext();
    this.#strategy.start?.(this.#view);
    let symbolDays = 0;
    let lastDayKey = '';
    const held = this.#held;
    const lastClose = this.#lastClose;
    const tradeFrom =
      this.#config.tradeFrom === undefined ? undefined : new Date(this.#config.tradeFrom).toISOString();
    const firstTradingStep = tradeFrom === undefined ? 0 : feed.timestamps.findIndex((ts) => ts >= tradeFrom);
    if (firstTradingStep < 0) {
      throw new InvalidBacktestConfigError(`no bars at or after tradeFrom ${tradeFrom}: nothing to trade`);
    }
    for (let step = 0; step < firstTradingStep; step++) this.#warmUp(step);
    if (firstTradingStep > 0) this.#recordBasePoint(feed.timestamps[firstTradingStep - 1] as string);
    const eventDividend = this.#config.creditDividends ? feed.eventDividend : undefined;
    for (let step = firstTradingStep; step < steps; step++) {
      const ts = feed.timestamps[step] as string;
      const first = feed.eventStart[step] as number;
      const last = feed.eventStart[step + 1] as number;
      if (eventDividend) this.#bookDividends(eventDividend, first, last);
      if (this.#pending.length > 0) this.#matchPending(step, first, last);
      this.#step = step;
      this.#asOf = ts;
      this.#writer.revealStep(step, ts, feed.eventSymbol, feed.eventOhlcv, first, last);
      this.#afterReveal(first, last, true);
      // Intraday feeds count a symbol once per calendar day; daily bars are one symbol-day each.
      if (feed.metadata.timeframe === '1d') symbolDays += last - first;
      else {
        const day = ts.slice(0, 10);
        if (day !== lastDayKey) {
          symbolDays += feed.symbols.length;
          lastDayKey = day;
        }
      }
      if (this.#config.borrowRateAnnual > 0) this.#ledger.accrueBorrowFee(this.#priceOf);
      // Mark at the closes: same sums as ledger.equity/grossExposure, over typed arrays.
      let value = 0;
      let gross = 0;
      for (let i = 0; i < held.length; i++) {
        const quantity = held[i] as number;
        if (quantity !== 0) {
          const positionValue = quantity * (lastClose[i] as number);
          value += positionValue;
          gross += Math.abs(positionValue);
        }
      }
      this.#equity = this.#ledger.cash + value;
      this.#strategy.onStep?.(this.#view);
      if (schedule.isRebalanceTime(ts)) {
        this.#decision = undefined;
        const outcome = this.#strategy.decide(context);
        if (outcome instanceof Promise) await outcome;
        if (this.#decision !== undefined) this.#decisions.push(this.#decision);
      }
      if (this.#benchmarkSeries) this.#markBenchmarkSeries(ts);
      this.#equityCurve.push({
        ts,
        equity: this.#equity,
        cash: this.#ledger.cash,
        benchmark: this.#benchmarkValue,
        exposure: this.#equity > 0 ? gross / this.#equity : 0,
      });
      const done = step + 1 - firstTradingStep;
      if (this.#onProgress && (done % this.#progressEvery === 0 || step === steps - 1)) {
        this.#onProgress({ step: done, steps: steps - firstTradingStep, asOf: ts, equity: this.#equity });
      }
    }
    const positions = this.#ledger.positions(this.#priceOf);
    return {
      config: {
        ...this.#config,
        benchmark: describeBenchmark(this.#config.benchmark),
        strategy: this.#strategy.description,
        universe: [...feed.symbols],
        from: feed.timestamps[firstTradingStep] ?? '',
        to: feed.timestamps[steps - 1] ?? '',
        dataAdjusted: feed.metadata.adjusted,
      },
      equityCurve: this.#equityCurve,
      fills: this.#fills,
      orders: this.#orders,
      trades: [...this.#ledger.trades],
      decisions: this.#decisions,
      adjustments: this.#adjustments,
      llmUsage: this.#strategy.llmUsage?.() ?? { ...NO_LLM_USAGE },
      finalPositions: positions.map((p) => ({
        symbol: p.symbol,
        quantity: p.quantity,
        averagePrice: p.averagePrice,
        marketPrice: p.marketPrice ?? Number.NaN,
      })),
      dividends: this.#dividends,
      stats: {
        barEvents: feed.barCount,
        symbolDays,
        steps: steps - firstTradingStep,
        warmupSteps: firstTradingStep,
        wallMs: this.#timer() - started,
      },
    };
  }

  /** A warm-up step: bars revealed and the strategy's streaming state updated; nothing trades or is recorded. */
  #warmUp(step: number): void {
    const feed = this.#feed;
    const first = feed.eventStart[step] as number;
    const last = feed.eventStart[step + 1] as number;
    this.#step = step;
    this.#asOf = feed.timestamps[step] as string;
    this.#writer.revealStep(step, this.#asOf, feed.eventSymbol, feed.eventOhlcv, first, last);
    this.#afterReveal(first, last, false);
    this.#strategy.onStep?.(this.#view);
  }

  /**
   * The close before the first trading day, where a warm-up exists: the account is all cash and the benchmark is
   * bought there, so a period's returns (strategy and benchmark alike) span from the previous close, as a calendar
   * year's return does.
   */
  #recordBasePoint(ts: string): void {
    const cash = this.#config.initialCash;
    const { series } = this.#feed;
    const units = this.#benchmarkUnits;
    const lastClose = this.#lastClose;
    const allocation = this.#benchmarkAllocation;
    for (let i = 0; i < series.length; i++) {
      const close = lastClose[i] as number;
      if (!Number.isNaN(close) && (allocation[i] as number) > 0) units[i] = (allocation[i] as number) / close;
    }
    if (this.#benchmarkSeries) this.#markBenchmarkSeries(ts);
    this.#equityCurve.push({ ts, equity: cash, cash, benchmark: this.#benchmarkValue, exposure: 0 });
  }

  /** Outside benchmark: initial cash × value(now) / value(base), the base being its first point at or before now. */
  #markBenchmarkSeries(ts: string): void {
    const series = this.#benchmarkSeries as {
      readonly ts: readonly string[];
      readonly value: readonly number[];
    };
    let cursor = this.#benchmarkCursor;
    while (cursor + 1 < series.ts.length && (series.ts[cursor + 1] as string) <= ts) cursor++;
    this.#benchmarkCursor = cursor;
    if (cursor < 0) return;
    const value = series.value[cursor] as number;
    if (Number.isNaN(this.#benchmarkBase)) this.#benchmarkBase = value;
    this.#benchmarkValue = (this.#config.initialCash * value) / this.#benchmarkBase;
  }

  /** Ex-date cash dividends on the book (held at the previous close) and on the feed benchmark's units. */
  #bookDividends(eventDividend: Float64Array, first: number, last: number): void {
    const { eventSymbol, symbols } = this.#feed;
    const held = this.#held;
    const units = this.#benchmarkUnits;
    for (let e = first; e < last; e++) {
      const perShare = eventDividend[e] as number;
      if (perShare === 0) continue;
      const symbolIndex = eventSymbol[e] as number;
      if ((held[symbolIndex] as number) !== 0) {
        this.#dividends += this.#ledger.creditDividend(symbols[symbolIndex] as string, perShare);
      }
      this.#benchmarkValue += (units[symbolIndex] as number) * perShare;
    }
  }

  /** Marks, benchmark (trading steps only) and slippage statistics for the bars just revealed. */
  #afterReveal(first: number, last: number, trading: boolean): void {
    const { eventSymbol, eventBar, eventOhlcv } = this.#feed;
    const lastClose = this.#lastClose;
    const units = this.#benchmarkUnits;
    const allocation = this.#benchmarkAllocation;
    let benchmark = this.#benchmarkValue;
    for (let e = first; e < last; e++) {
      const symbolIndex = eventSymbol[e] as number;
      const barIndex = eventBar[e] as number;
      const close = eventOhlcv[e * OHLCV_FIELDS + 3] as number;
      const previous = lastClose[symbolIndex] as number;
      lastClose[symbolIndex] = close;
      // Benchmark: each allocation bought at the symbol's first close (base or trading), held without costs.
      const held = units[symbolIndex] as number;
      if (!trading) {
        // Warm-up bars move neither the account nor the benchmark.
      } else if ((allocation[symbolIndex] as number) > 0) {
        if (held === 0) units[symbolIndex] = (allocation[symbolIndex] as number) / close;
        else benchmark += held * (close - previous);
      }
      if (this.#needsStatistics) this.#updateStatistics(symbolIndex, barIndex);
    }
    this.#benchmarkValue = benchmark;
  }

  #updateStatistics(symbolIndex: number, barIndex: number): void {
    const s = this.#feed.series[symbolIndex] as SymbolColumns;
    const close = s.close[barIndex] as number;
    const volume = s.volume[barIndex] as number;
    const lookback = this.#config.statisticsLookback;
    const count = this.#revealed[symbolIndex] as number;
    const slot = symbolIndex * lookback + (count % lookback);
    const range = ((s.high[barIndex] as number) - (s.low[barIndex] as number)) / close;
    this.#rangeSum[symbolIndex] =
      (this.#rangeSum[symbolIndex] as number) + range - (this.#rangeRing[slot] as number);
    this.#volumeSum[symbolIndex] =
      (this.#volumeSum[symbolIndex] as number) + volume - (this.#volumeRing[slot] as number);
    this.#rangeRing[slot] = range;
    this.#volumeRing[slot] = volume;
    this.#revealed[symbolIndex] = count + 1;
  }

  /** Statistics from the bars revealed so far, i.e. before the bar being matched. */
  #statistics(symbolIndex: number): MarketStatistics {
    if (!this.#needsStatistics) return {};
    const count = Math.min(this.#revealed[symbolIndex] as number, this.#config.statisticsLookback);
    if (count === 0) return {};
    return {
      rangeFraction: (this.#rangeSum[symbolIndex] as number) / count,
      averageVolume: (this.#volumeSum[symbolIndex] as number) / count,
    };
  }

  #matchPending(step: number, first: number, last: number): void {
    const feed = this.#feed;
    for (let e = first; e < last; e++)
      this.#barNow[feed.eventSymbol[e] as number] = feed.eventBar[e] as number;
    const stillPending: PendingOrder[] = [];
    // Sells first: their proceeds are cash the buys of the same open can use.
    for (const side of ['SELL', 'BUY'] as const) {
      for (const pending of this.#pending) {
        if (pending.order.side !== side) continue;
        const barIndex = this.#barNow[pending.symbolIndex] as number;
        if (barIndex < 0) {
          stillPending.push(pending);
          continue;
        }
        if (!this.#execute(pending, barIndex, step)) stillPending.push(pending);
      }
    }
    for (let e = first; e < last; e++) this.#barNow[feed.eventSymbol[e] as number] = -1;
    this.#pending = stillPending;
  }

  /** Tries one order on its symbol's bar; false when it stays pending. */
  #execute(pending: PendingOrder, barIndex: number, step: number): boolean {
    const { order, symbolIndex } = pending;
    const s = this.#feed.series[symbolIndex];
    if (s === undefined) return false;
    const bar = this.#matchingBar;
    bar.ts = s.ts[barIndex] as string;
    bar.open = s.open[barIndex] as number;
    bar.high = s.high[barIndex] as number;
    bar.low = s.low[barIndex] as number;
    bar.close = s.close[barIndex] as number;
    bar.volume = s.volume[barIndex] as number;
    const statistics = this.#statistics(symbolIndex);
    let fill = matchOrder(order, bar, this.#models, statistics);
    if (fill === undefined) {
      if (order.type === 'MARKET' || order.timeInForce === 'GTC') return false;
      this.#release(pending);
      this.#adjust(order, 'EXPIRED', 0, `${order.type} DAY order not triggered on ${bar.ts}`, bar.ts);
      return true;
    }
    this.#release(pending);
    // Fill-time checks: the open may have gapped since the decision close.
    let allowed = fill.quantity;
    let reason = '';
    if (order.side === 'SELL' && !this.#config.allowShort) {
      const long = Math.max(0, this.#held[symbolIndex] as number);
      if (allowed > long) {
        allowed = long;
        reason = `only ${long} held at the fill`;
      }
    }
    if (order.side === 'BUY' && !this.#config.allowMargin) {
      const cost = fill.quantity * fill.price + fill.commission;
      if (cost > this.#ledger.cash) {
        allowed = Math.min(allowed, affordableQuantity(this.#ledger.cash, fill.price, this.#commission));
        reason = `cash ${this.#ledger.cash.toFixed(2)} short of ${cost.toFixed(2)} at the fill`;
      }
    }
    if (allowed < fill.quantity) {
      if (allowed < 1) {
        this.#adjust(order, 'REJECTED', 0, reason, bar.ts);
        return true;
      }
      this.#adjust(order, 'RESIZED', allowed, reason, bar.ts);
      fill = matchOrder({ ...order, quantity: allowed }, bar, this.#models, statistics) as Fill;
      if (order.side === 'BUY' && !this.#config.allowMargin) {
        // Impact slippage grows with size; a smaller order is never dearer per share, but check the total anyway.
        while (fill.quantity >= 1 && fill.quantity * fill.price + fill.commission > this.#ledger.cash) {
          fill = matchOrder({ ...order, quantity: fill.quantity - 1 }, bar, this.#models, statistics) as Fill;
        }
      }
    }
    this.#ledger.applyFill(fill, step);
    this.#held[symbolIndex] = this.#ledger.quantity(order.symbol);
    this.#fills.push(fill);
    return true;
  }

  #release(pending: PendingOrder): void {
    this.#pendingQuantity[pending.symbolIndex] =
      (this.#pendingQuantity[pending.symbolIndex] as number) - pending.signedQuantity;
    this.#pendingCash -= pending.cashEstimate;
  }

  #adjust(
    order: Pick<Order, 'symbol' | 'side' | 'quantity'> & { clientOrderId?: string },
    action: OrderAdjustment['action'],
    allowedQuantity: number,
    reason: string,
    ts: string,
  ): void {
    const adjustment: OrderAdjustment = {
      ts,
      symbol: order.symbol,
      side: order.side,
      action,
      requestedQuantity: order.quantity,
      allowedQuantity,
      reason,
    };
    if (order.clientOrderId !== undefined) adjustment.clientOrderId = order.clientOrderId;
    this.#adjustments.push(adjustment);
  }

  #currentDecision(): DecisionRecord {
    if (this.#decision === undefined)
      this.#decision = { ts: this.#asOf, signals: [], targets: [], orderIds: [] };
    return this.#decision;
  }

  /** Σ |held + pending| × close: gross exposure once every queued order has filled at today's close. */
  #projectedGrossNow(): number {
    if (this.#projectedGrossStep !== this.#step) {
      let gross = 0;
      for (let i = 0; i < this.#held.length; i++) {
        const quantity = (this.#held[i] as number) + (this.#pendingQuantity[i] as number);
        if (quantity !== 0) gross += Math.abs(quantity) * (this.#lastClose[i] as number);
      }
      this.#projectedGross = gross;
      this.#projectedGrossStep = this.#step;
    }
    return this.#projectedGross;
  }

  /** Pre-trade checks at the decision close: whole shares, per-symbol and gross limits, shorting, cash. */
  #submit(request: OrderRequest): string | undefined {
    const symbolIndex = this.#view.indexOf(request.symbol);
    const type = request.type ?? 'MARKET';
    if (type === 'LIMIT' && !(request.limitPrice !== undefined && request.limitPrice > 0)) {
      throw new RangeError(`LIMIT order for ${request.symbol} needs a positive limitPrice`);
    }
    if (type === 'STOP' && !(request.stopPrice !== undefined && request.stopPrice > 0)) {
      throw new RangeError(`STOP order for ${request.symbol} needs a positive stopPrice`);
    }
    if (!Number.isFinite(request.quantity) || request.quantity < 0) {
      throw new RangeError(
        `order quantity for ${request.symbol} must be finite and >= 0, got ${request.quantity}`,
      );
    }
    const requested = { symbol: request.symbol, side: request.side, quantity: request.quantity };
    const reference = this.#lastClose[symbolIndex] as number;
    if (Number.isNaN(reference)) {
      this.#adjust(requested, 'REJECTED', 0, 'no price known yet', this.#asOf);
      return undefined;
    }
    const { maxWeightPerSymbol, maxGrossExposure, allowShort, allowMargin } = this.#config;
    const equity = Math.max(0, this.#equity);
    const projected = (this.#held[symbolIndex] as number) + (this.#pendingQuantity[symbolIndex] as number);
    const maxShares = Math.floor((maxWeightPerSymbol * equity) / reference + SHARE_EPSILON);
    const grossRoom = Math.max(0, maxGrossExposure * equity - this.#projectedGrossNow());
    const grossRoomShares = Math.floor(grossRoom / reference + SHARE_EPSILON);
    let quantity = Math.floor(request.quantity + SHARE_EPSILON);
    const reasons: string[] = [];
    const cap = (limit: number, why: string) => {
      if (quantity > limit) {
        quantity = Math.max(0, limit);
        reasons.push(why);
      }
    };
    if (request.side === 'BUY') {
      cap(maxShares - projected, `max weight ${maxWeightPerSymbol} per symbol`);
      // Covering a short frees gross room; only shares beyond the cover add exposure.
      cap(Math.max(0, -projected) + grossRoomShares, `max gross exposure ${maxGrossExposure}`);
      if (!allowMargin) {
        const cash = this.#ledger.cash + this.#pendingCash;
        cap(affordableQuantity(cash, reference, this.#commission), 'cash available (no margin)');
      }
    } else {
      if (!allowShort) cap(Math.max(0, projected), 'no short selling');
      else {
        cap(projected + maxShares, `max weight ${maxWeightPerSymbol} per symbol`);
        cap(Math.max(0, projected) + grossRoomShares, `max gross exposure ${maxGrossExposure}`);
      }
    }
    if (quantity < 1) {
      this.#adjust(requested, 'REJECTED', 0, reasons.join('; ') || 'less than one whole share', this.#asOf);
      return undefined;
    }
    const clientOrderId = `${this.#config.runId}-${++this.#orderSeq}`;
    if (quantity < request.quantity - SHARE_EPSILON && reasons.length > 0) {
      this.#adjust({ ...requested, clientOrderId }, 'RESIZED', quantity, reasons.join('; '), this.#asOf);
    }
    const order: Order = {
      clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type,
      quantity,
      timeInForce: request.timeInForce ?? 'DAY',
      submittedAt: this.#asOf,
      runId: this.#config.runId,
      correlationId: `${this.#config.runId}@${this.#asOf}`,
    };
    if (request.limitPrice !== undefined) order.limitPrice = request.limitPrice;
    if (request.stopPrice !== undefined) order.stopPrice = request.stopPrice;
    if (request.reason !== undefined) order.reason = request.reason;
    const signedQuantity = request.side === 'BUY' ? quantity : -quantity;
    const cashEstimate = -signedQuantity * reference - this.#commission.commission(quantity, reference);
    this.#pending.push({ order, symbolIndex, signedQuantity, cashEstimate });
    this.#pendingQuantity[symbolIndex] = (this.#pendingQuantity[symbolIndex] as number) + signedQuantity;
    this.#pendingCash += cashEstimate;
    this.#projectedGross += (Math.abs(projected + signedQuantity) - Math.abs(projected)) * reference;
    this.#orders.push(order);
    this.#currentDecision().orderIds.push(clientOrderId);
    return clientOrderId;
  }

  #rebalanceToWeights(weights: ReadonlyMap<string, number>, reason?: string): string[] {
    const { maxWeightPerSymbol, maxGrossExposure, allowShort } = this.#config;
    const entries = [...weights.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const floor = allowShort ? -maxWeightPerSymbol : 0;
    const clipped = entries.map(
      ([symbol, w]) => [symbol, Math.min(maxWeightPerSymbol, Math.max(floor, w))] as const,
    );
    const gross = clipped.reduce((sum, [, w]) => sum + Math.abs(w), 0);
    const scale = gross > maxGrossExposure ? maxGrossExposure / gross : 1;
    const equity = Math.max(0, this.#equity);
    const sells: OrderRequest[] = [];
    const buys: OrderRequest[] = [];
    for (const [symbol, weight] of clipped) {
      const index = this.#view.indexOf(symbol);
      const close = this.#lastClose[index] as number;
      if (Number.isNaN(close)) continue;
      const target = Math.trunc((weight * scale * equity) / close + Math.sign(weight) * SHARE_EPSILON);
      const delta = target - ((this.#held[index] as number) + (this.#pendingQuantity[index] as number));
      if (delta === 0) continue;
      const request: OrderRequest = { symbol, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) };
      if (reason !== undefined) request.reason = reason;
      (delta > 0 ? buys : sells).push(request);
    }
    const ids: string[] = [];
    for (const request of [...sells, ...buys]) {
      const id = this.#submit(request);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  #buildContext(): StrategyContext {
    const run = this;
    const ledger = this.#ledger;
    const priceOf = this.#priceOf;
    const portfolio: PortfolioView = {
      get cash() {
        return ledger.cash;
      },
      get equity() {
        return run.#equity;
      },
      quantity: (symbol) => ledger.quantity(symbol),
      positions: (): Position[] => ledger.positions(priceOf),
      state: (): PortfolioState => ({
        asOf: run.#asOf,
        cash: ledger.cash,
        equity: run.#equity,
        positions: ledger.positions(priceOf),
        runId: run.#config.runId,
      }),
    };
    return {
      view: this.#view,
      get asOf() {
        return run.#asOf;
      },
      portfolio,
      get correlationId() {
        return `${run.#config.runId}@${run.#asOf}`;
      },
      submitOrder: (request) => this.#submit(request),
      rebalanceToWeights: (weights, reason) => this.#rebalanceToWeights(weights, reason),
      recordDecision: (record: {
        signals?: readonly SignalRecord[];
        targets?: readonly TargetRecord[];
        note?: string;
      }) => {
        const decision = this.#currentDecision();
        if (record.signals) decision.signals.push(...record.signals);
        if (record.targets) decision.targets.push(...record.targets);
        if (record.note !== undefined) decision.note = record.note;
      },
    };
  }
}

/** Whole shares whose cost plus commission fits in `cash` at `price`. */
export function affordableQuantity(cash: number, price: number, commission: CommissionModel): number {
  if (!(cash > 0) || !(price > 0)) return 0;
  let quantity = Math.floor(cash / price + SHARE_EPSILON);
  // Commission is increasing in quantity, so each pass only shrinks the count; a few passes converge.
  for (let pass = 0; pass < 8 && quantity > 0; pass++) {
    const fee = commission.commission(quantity, price);
    if (quantity * price + fee <= cash) return quantity;
    quantity = Math.min(quantity - 1, Math.floor((cash - fee) / price + SHARE_EPSILON));
  }
  while (quantity > 0 && quantity * price + commission.commission(quantity, price) > cash) quantity--;
  return Math.max(0, quantity);
}
