import { type Fill, type Order, OrderSchema, parseContract, type Quote } from '@ats/contracts';
import {
  type AccountAtFill,
  CASH_ACCOUNT_LIMITS,
  type ExecutionModels,
  InvalidFillError,
  limitFillToAccount,
  type MarketStatistics,
  type MatchingBar,
  matchOrder,
  type TradingLimits,
} from '@ats/execution';
import type { RecordOrderResult, StoredOrder, TradingStore } from '@ats/trading-state';

/** Where fill events go after they are booked (JetStream in production; see publishFillEvents). */
export interface FillSink {
  published(fill: Fill): Promise<void>;
}

export interface PaperBrokerOptions {
  readonly runId: string;
  readonly store: TradingStore;
  /** The backtester's models: one place decides what an execution costs. */
  readonly models: ExecutionModels;
  readonly fills: FillSink;
  /** Fill-time limits, as the backtest engine's (default: a cash account, no shorting, no margin). */
  readonly limits?: Pick<TradingLimits, 'allowShort' | 'allowMargin'>;
  /**
   * Called once a fill is committed and before its event is published (and before the bar's other orders are
   * matched): a dangerous instant to die, where the chaos check kills the process.
   */
  readonly onFillBooked?: (fill: Fill) => void;
}

/** What one bar did to the run's open orders of its symbol. */
export interface BarExecution {
  readonly fills: Fill[];
  /** DAY orders whose first tradable bar passed without a fill. */
  readonly expired: string[];
  /** Orders the book could not take (e.g. a sell of more than is held). */
  readonly rejected: { clientOrderId: string; reason: string }[];
  /** Orders cut at the fill (the open gapped past the cash or the shares held); the rest was cancelled. */
  readonly resized: { clientOrderId: string; quantity: number; reason: string }[];
}

export interface BarInput extends MatchingBar {
  readonly symbol: string;
}

/**
 * A simulated broker for one run. Orders are recorded idempotently (clientOrderId), then matched against the NEXT
 * bar with @ats/execution's matchOrder and models, exactly as in the backtester: an order submitted at the close of
 * bar t trades at the earliest on the bar that opens at or after that close. Every fill is booked (fill row, cash,
 * position, order status) in one transaction before its event is published.
 */
export class PaperBroker {
  readonly runId: string;
  readonly #store: TradingStore;
  readonly #models: ExecutionModels;
  readonly #sink: FillSink;
  readonly #limits: Pick<TradingLimits, 'allowShort' | 'allowMargin'>;
  readonly #onFillBooked: ((fill: Fill) => void) | undefined;

  constructor(options: PaperBrokerOptions) {
    this.runId = options.runId;
    this.#store = options.store;
    this.#models = options.models;
    this.#sink = options.fills;
    this.#limits = options.limits ?? CASH_ACCOUNT_LIMITS;
    this.#onFillBooked = options.onFillBooked;
  }

  /** Accepts an order once; a repeat of the same clientOrderId is reported as a duplicate and changes nothing. */
  submit(order: Order): Promise<RecordOrderResult> {
    const parsed = parseContract(OrderSchema, order, 'Order');
    if (parsed.runId !== this.runId)
      throw new RangeError(`order ${parsed.clientOrderId} belongs to run ${parsed.runId}, not ${this.runId}`);
    return this.#store.recordOrder(parsed);
  }

  /**
   * Matches the run's open orders in `bar.symbol` that were submitted at or before the bar's open. `statistics` are
   * the slippage model's inputs as of the previous bar (point in time).
   */
  onBar(bar: BarInput, statistics: MarketStatistics = {}): Promise<BarExecution> {
    return this.onBars([bar], () => statistics);
  }

  /**
   * Matches the run's open orders against one instant's bars (one per symbol), as the backtest engine does: sells
   * before buys so their proceeds fund the buys, then by client order id (cycle, then symbol), each fill checked
   * against the cash and shares the account holds at that moment.
   */
  async onBars(
    bars: readonly BarInput[],
    statisticsOf: (symbol: string) => MarketStatistics = () => ({}),
  ): Promise<BarExecution> {
    const state = await this.#store.loadState(this.runId);
    const barOf = new Map(bars.map((b) => [b.symbol, b]));
    const eligible = state.openOrders
      .filter((s) => {
        const bar = barOf.get(s.order.symbol);
        return bar !== undefined && Date.parse(s.order.submittedAt) <= Date.parse(bar.ts);
      })
      .sort(sellsFirst);
    const account = {
      cash: state.cash,
      held: new Map(state.positions.map((p) => [p.symbol, p.quantity])),
    };
    const result: BarExecution = { fills: [], expired: [], rejected: [], resized: [] };
    for (const stored of eligible) {
      const bar = barOf.get(stored.order.symbol) as BarInput;
      await this.#execute(stored, bar, statisticsOf(bar.symbol), account, result);
    }
    return result;
  }

  /** A quote is a bar with one price: market orders fill at it, limits and stops trigger against it. */
  onQuote(quote: Quote, statistics: MarketStatistics = {}): Promise<BarExecution> {
    const price = quote.price;
    return this.onBar(
      { symbol: quote.symbol, ts: quote.ts, open: price, high: price, low: price, close: price, volume: 0 },
      statistics,
    );
  }

  async #execute(
    stored: StoredOrder,
    bar: BarInput,
    statistics: MarketStatistics,
    account: { cash: number; readonly held: Map<string, number> },
    result: BarExecution,
  ): Promise<void> {
    const { order } = stored;
    const remaining = { ...order, quantity: order.quantity - stored.filledQuantity };
    const matched = matchOrder(remaining, bar, this.#models, statistics);
    if (matched === undefined) {
      if (order.timeInForce === 'DAY') {
        await this.#store.closeOrder(
          order.clientOrderId,
          'CANCELLED',
          `DAY order expired unfilled on ${bar.ts}`,
        );
        result.expired.push(order.clientOrderId);
      }
      return;
    }
    const now: AccountAtFill = { cash: account.cash, held: account.held.get(order.symbol) ?? 0 };
    const limited = limitFillToAccount(remaining, matched, bar, now, this.#limits, this.#models, statistics);
    const fill = limited.fill;
    if (fill === undefined) {
      const reason = limited.reason ?? 'refused at the fill';
      await this.#store.closeOrder(order.clientOrderId, 'REJECTED', reason);
      result.rejected.push({ clientOrderId: order.clientOrderId, reason });
      return;
    }
    try {
      const booked = await this.#store.recordFill(fill);
      if (!booked.duplicate) {
        result.fills.push(fill);
        this.#onFillBooked?.(fill);
      }
      account.cash = booked.cash;
      account.held.set(order.symbol, booked.position.quantity);
    } catch (error) {
      if (!(error instanceof InvalidFillError)) throw error;
      await this.#store.closeOrder(order.clientOrderId, 'REJECTED', error.reason);
      result.rejected.push({ clientOrderId: order.clientOrderId, reason: error.reason });
      return;
    }
    if (limited.action === 'RESIZED') {
      const reason = limited.reason ?? 'resized at the fill';
      await this.#store.closeOrder(order.clientOrderId, 'CANCELLED', `rest cancelled: ${reason}`);
      result.resized.push({ clientOrderId: order.clientOrderId, quantity: fill.quantity, reason });
    }
    // Published after the commit; a crash in between is repaired by republishing on restart (same message id).
    await this.#sink.published(fill);
  }
}

/** The engine's matching order: sells before buys, then by client order id. */
function sellsFirst(a: StoredOrder, b: StoredOrder): number {
  if (a.order.side !== b.order.side) return a.order.side === 'SELL' ? -1 : 1;
  return byClientOrderId(a, b);
}

function byClientOrderId(a: StoredOrder, b: StoredOrder): number {
  return a.order.clientOrderId < b.order.clientOrderId
    ? -1
    : a.order.clientOrderId > b.order.clientOrderId
      ? 1
      : 0;
}
