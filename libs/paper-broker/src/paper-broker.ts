import { type Fill, type Order, OrderSchema, parseContract, type Quote } from '@ats/contracts';
import {
  type ExecutionModels,
  InvalidFillError,
  type MarketStatistics,
  type MatchingBar,
  matchOrder,
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
}

/** What one bar did to the run's open orders of its symbol. */
export interface BarExecution {
  readonly fills: Fill[];
  /** DAY orders whose first tradable bar passed without a fill. */
  readonly expired: string[];
  /** Orders the book could not take (e.g. a sell of more than is held). */
  readonly rejected: { clientOrderId: string; reason: string }[];
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

  constructor(options: PaperBrokerOptions) {
    this.runId = options.runId;
    this.#store = options.store;
    this.#models = options.models;
    this.#sink = options.fills;
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
  async onBar(bar: BarInput, statistics: MarketStatistics = {}): Promise<BarExecution> {
    const state = await this.#store.loadState(this.runId);
    const opensAt = Date.parse(bar.ts);
    const eligible = state.openOrders
      .filter((s) => s.order.symbol === bar.symbol && Date.parse(s.order.submittedAt) <= opensAt)
      .sort(byClientOrderId);
    const result: BarExecution = { fills: [], expired: [], rejected: [] };
    for (const stored of eligible) await this.#execute(stored, bar, statistics, result);
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
    result: BarExecution,
  ): Promise<void> {
    const { order } = stored;
    const remaining = order.quantity - stored.filledQuantity;
    const fill = matchOrder({ ...order, quantity: remaining }, bar, this.#models, statistics);
    if (fill === undefined) {
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
    try {
      const booked = await this.#store.recordFill(fill);
      if (!booked.duplicate) result.fills.push(fill);
    } catch (error) {
      if (!(error instanceof InvalidFillError)) throw error;
      await this.#store.closeOrder(order.clientOrderId, 'REJECTED', error.reason);
      result.rejected.push({ clientOrderId: order.clientOrderId, reason: error.reason });
      return;
    }
    // Published after the commit; a crash in between is repaired by republishing on restart (same message id).
    await this.#sink.published(fill);
  }
}

function byClientOrderId(a: StoredOrder, b: StoredOrder): number {
  return a.order.clientOrderId < b.order.clientOrderId
    ? -1
    : a.order.clientOrderId > b.order.clientOrderId
      ? 1
      : 0;
}
