import type { Fill, Order, PortfolioState, Position } from '@ats/contracts';
import {
  type CommissionModel,
  EXACT_SIZING_POLICY,
  type ExecutionModels,
  limitFillToAccount,
  type MarketStatistics,
  matchOrder,
  ordersForTargetWeights,
  PortfolioLedger,
  type PriceOf,
  SlippageStatistics,
  type TradingLimits,
} from '@ats/execution';
import { BenchmarkTracker, describeBenchmark } from './benchmark';
import { type BacktestConfig, commissionModelOf, resolveConfig, slippageModelOf } from './config';
import { InvalidBacktestConfigError } from './errors';
import { type BarFeed, OHLCV_FIELDS, type SymbolColumns } from './feed';
import { type FeedViewWriter, MarketView } from './market-view';
import { OrderEntry } from './order-entry';
import { type PendingOrder, PendingOrders } from './pending-orders';
import { periodKeys } from './rebalance';
import {
  type BacktestResult,
  type DecisionRecord,
  type EquityPoint,
  NO_LLM_USAGE,
  type OrderAdjustment,
  type SignalRecord,
  type TargetRecord,
} from './result';
import type { PortfolioView, Strategy, StrategyContext } from './strategy';

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
/** Market statistics of a fill when the slippage model needs none (one shared object, not one per fill). */
/** Sells are matched before buys at each open, so their proceeds fund the buys. */
const MATCHING_ORDER = ['SELL', 'BUY'] as const;
const NO_STATISTICS: MarketStatistics = Object.freeze({});

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
 * Orders enter through OrderEntry (pre-trade limits), wait in PendingOrders, and fill through @ats/execution's
 * matching and fill-time limits; the benchmark and the slippage statistics follow the revealed bars.
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
  readonly #limits: TradingLimits;
  readonly #ledger: PortfolioLedger;
  readonly #view: MarketView;
  readonly #writer: FeedViewWriter;
  readonly #lastClose: Float64Array;
  /** Mirror of the ledger's quantities by symbol index, so marking the book needs no map lookups. */
  readonly #held: Float64Array;
  readonly #pending: PendingOrders;
  readonly #entry: OrderEntry;
  readonly #barNow: Int32Array;
  readonly #priceOf: PriceOf;
  /** Slippage statistics over the last `statisticsLookback` bars, kept only when the model needs them. */
  readonly #statistics: SlippageStatistics | undefined;
  readonly #benchmark: BenchmarkTracker;
  #dividends = 0;
  // Results.
  readonly #orders: Order[] = [];
  readonly #fills: Fill[] = [];
  readonly #decisions: DecisionRecord[] = [];
  readonly #adjustments: OrderAdjustment[] = [];
  readonly #equityCurve: EquityPoint[] = [];
  // Decision-time state.
  #asOf = '';
  /** A number from the start (not undefined): written every step, it then stays an unboxed double. */
  #equity = 0;
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
    const { maxWeightPerSymbol, maxGrossExposure, allowShort, allowMargin } = this.#config;
    this.#limits = { maxWeightPerSymbol, maxGrossExposure, allowShort, allowMargin };
    this.#ledger = new PortfolioLedger({
      initialCash: this.#config.initialCash,
      allowShort: this.#config.allowShort,
      borrowRateAnnual: this.#config.borrowRateAnnual,
    });
    const n = this.#feed.symbols.length;
    const { view, writer } = MarketView.ofFeed(this.#feed);
    this.#view = view;
    this.#writer = writer;
    const indexBySymbol = new Map(this.#feed.symbols.map((s, i) => [s, i]));
    this.#lastClose = new Float64Array(n).fill(Number.NaN);
    this.#held = new Float64Array(n);
    this.#barNow = new Int32Array(n).fill(-1);
    const lastClose = this.#lastClose;
    this.#priceOf = (symbol) => {
      const index = indexBySymbol.get(symbol);
      if (index === undefined) return undefined;
      const close = lastClose[index] as number;
      return Number.isNaN(close) ? undefined : close;
    };
    const ledger = this.#ledger;
    const indexOf = (symbol: string) => view.indexOf(symbol);
    this.#pending = new PendingOrders(indexOf, this.#held, lastClose, () => ledger.cash);
    this.#entry = new OrderEntry(this.#config.runId, this.#limits, this.#commission, this.#pending, indexOf, {
      orders: this.#orders,
      adjustments: this.#adjustments,
      accepted: (clientOrderId) => this.#currentDecision().orderIds.push(clientOrderId),
    });
    const kind = this.#config.slippage.kind;
    this.#statistics =
      kind === 'volatility' || kind === 'volume'
        ? new SlippageStatistics(n, this.#config.statisticsLookback)
        : undefined;
    this.#equity = this.#config.initialCash;
    if (n === 0) throw new InvalidBacktestConfigError('the feed has no symbols');
    this.#benchmark = new BenchmarkTracker(
      this.#config.benchmark,
      this.#feed.symbols,
      this.#config.initialCash,
    );
  }

  async run(): Promise<BacktestResult> {
    const started = this.#timer();
    const feed = this.#feed;
    const steps = feed.timestamps.length;
    const periodKey = periodKeys(feed.timestamps, this.#config.rebalance);
    let lastPeriodKey = Number.NaN;
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
      if (this.#pending.size > 0) this.#matchPending(step, first, last);
      this.#asOf = ts;
      this.#writer.revealStep(step);
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
      // A rebalance time opens a new period (RebalanceSchedule's rule; NaN keys never equal, so always decide).
      const key = periodKey[step] as number;
      if (key !== lastPeriodKey) {
        lastPeriodKey = key;
        this.#decision = undefined;
        this.#pending.atDecision(step, this.#equity);
        const outcome = this.#strategy.decide(context);
        if (outcome instanceof Promise) await outcome;
        if (this.#decision !== undefined) this.#decisions.push(this.#decision);
      }
      this.#benchmark.markSeries(ts);
      this.#equityCurve.push({
        ts,
        equity: this.#equity,
        cash: this.#ledger.cash,
        benchmark: this.#benchmark.value,
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
    this.#asOf = feed.timestamps[step] as string;
    this.#writer.revealStep(step);
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
    this.#benchmark.buyAtBase(this.#lastClose);
    this.#benchmark.markSeries(ts);
    this.#equityCurve.push({ ts, equity: cash, cash, benchmark: this.#benchmark.value, exposure: 0 });
  }

  /** Ex-date cash dividends on the book (held at the previous close) and on the feed benchmark's units. */
  #bookDividends(eventDividend: Float64Array, first: number, last: number): void {
    const { eventSymbol, symbols } = this.#feed;
    const held = this.#held;
    for (let e = first; e < last; e++) {
      const perShare = eventDividend[e] as number;
      if (perShare === 0) continue;
      const symbolIndex = eventSymbol[e] as number;
      if ((held[symbolIndex] as number) !== 0) {
        this.#dividends += this.#ledger.creditDividend(symbols[symbolIndex] as string, perShare);
      }
      this.#benchmark.onDividend(symbolIndex, perShare);
    }
  }

  /** Marks, benchmark (trading steps only; warm-up bars move neither) and slippage statistics for the bars just revealed. */
  #afterReveal(first: number, last: number, trading: boolean): void {
    const { eventSymbol, eventBar, eventOhlcv, series } = this.#feed;
    const lastClose = this.#lastClose;
    for (let e = first; e < last; e++) {
      const symbolIndex = eventSymbol[e] as number;
      const close = eventOhlcv[e * OHLCV_FIELDS + 3] as number;
      const previous = lastClose[symbolIndex] as number;
      lastClose[symbolIndex] = close;
      if (trading) this.#benchmark.onClose(symbolIndex, close, previous);
      const statistics = this.#statistics;
      if (statistics !== undefined) {
        const s = series[symbolIndex] as SymbolColumns;
        const barIndex = eventBar[e] as number;
        statistics.update(
          symbolIndex,
          s.high[barIndex] as number,
          s.low[barIndex] as number,
          s.close[barIndex] as number,
          s.volume[barIndex] as number,
        );
      }
    }
  }

  #matchPending(step: number, first: number, last: number): void {
    const feed = this.#feed;
    for (let e = first; e < last; e++)
      this.#barNow[feed.eventSymbol[e] as number] = feed.eventBar[e] as number;
    const stillPending: PendingOrder[] = [];
    // Sells first: their proceeds are cash the buys of the same open can use.
    for (const side of MATCHING_ORDER) {
      for (const pending of this.#pending.queue) {
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
    this.#pending.keep(stillPending);
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
    const statistics = this.#statistics?.of(symbolIndex) ?? NO_STATISTICS;
    const matched = matchOrder(order, bar, this.#models, statistics);
    if (matched === undefined) {
      if (order.type === 'MARKET' || order.timeInForce === 'GTC') return false;
      this.#pending.release(pending);
      this.#entry.adjust(order, 'EXPIRED', 0, `${order.type} DAY order not triggered on ${bar.ts}`, bar.ts);
      return true;
    }
    this.#pending.release(pending);
    const account = { held: this.#held[symbolIndex] as number, cash: this.#ledger.cash };
    const limited = limitFillToAccount(order, matched, bar, account, this.#limits, this.#models, statistics);
    if (limited.action !== undefined) {
      this.#entry.adjust(order, limited.action, limited.allowedQuantity, limited.reason ?? '', bar.ts);
    }
    const fill = limited.fill;
    if (fill === undefined) return true;
    this.#ledger.applyFill(fill, step);
    this.#held[symbolIndex] = this.#ledger.quantity(order.symbol);
    this.#fills.push(fill);
    return true;
  }

  #currentDecision(): DecisionRecord {
    if (this.#decision === undefined)
      this.#decision = { ts: this.#asOf, signals: [], targets: [], orderIds: [] };
    return this.#decision;
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
      book: this.#pending,
      limits: this.#limits,
      commission: this.#commission,
      submitOrder: (request) => this.#entry.submit(request, this.#asOf),
      rebalanceToWeights: (weights, reason) =>
        this.#entry.place(
          ordersForTargetWeights({
            book: this.#pending,
            weights,
            limits: this.#limits,
            commission: this.#commission,
            policy: EXACT_SIZING_POLICY,
            ...(reason === undefined ? {} : { reason }),
          }),
          this.#asOf,
        ),
      placeSized: (sized, submittedAt) => this.#entry.place(sized, this.#asOf, submittedAt),
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
