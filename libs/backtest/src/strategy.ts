import type { OrderType, PortfolioState, Position, Side } from '@ats/contracts';
import type { CommissionModel, SizingBook, SizingResult, TradingLimits } from '@ats/execution';
import type { MarketView } from './market-view';
import type { LlmUsage, SignalRecord, TargetRecord } from './result';

/** An order as a strategy asks for it; the engine assigns the id, checks limits and cash, and queues it. */
export interface OrderRequest {
  symbol: string;
  side: Side;
  quantity: number;
  type?: OrderType;
  limitPrice?: number;
  stopPrice?: number;
  /** DAY: valid for the next bar only. GTC: until filled. MARKET orders always fill on the next bar. */
  timeInForce?: 'DAY' | 'GTC';
  reason?: string;
}

/** The account as of the decision close (marked at each symbol's last close). */
export interface PortfolioView {
  readonly cash: number;
  readonly equity: number;
  quantity(symbol: string): number;
  positions(): Position[];
  state(): PortfolioState;
}

/** What a strategy can do at a decision time. Orders are matched on each symbol's next bar, never this one. */
export interface StrategyContext {
  readonly view: MarketView;
  readonly asOf: string;
  readonly portfolio: PortfolioView;
  readonly correlationId: string;
  /** Returns the client order id, or undefined when the pre-trade checks refused it (see result.adjustments). */
  submitOrder(request: OrderRequest): string | undefined;
  /**
   * Moves each listed symbol to `weight` × equity in whole shares at the decision close (sells first, then buys).
   * Unlisted symbols are left alone; weights are clipped to the per-symbol limit and scaled to the gross limit.
   */
  rebalanceToWeights(weights: ReadonlyMap<string, number>, reason?: string): string[];
  /**
   * The book the sizing model (@ats/execution ordersForTargetWeights) works on: holdings, pending orders and cash
   * at this close, with the account's limits and commission. Orders it sizes are reserved on it; queue them with
   * placeSized.
   */
  readonly book: SizingBook;
  readonly limits: TradingLimits;
  readonly commission: CommissionModel;
  /** Queues orders the sizing model produced on `book` (refusals and cuts become adjustments); returns their ids. */
  placeSized(sized: SizingResult, submittedAt?: string): string[];
  /** Appends signals/targets to this decision time's record. */
  recordDecision(record: {
    signals?: readonly SignalRecord[];
    targets?: readonly TargetRecord[];
    note?: string;
  }): void;
}

export interface StrategyDescription {
  name: string;
  params: Record<string, unknown>;
}

/**
 * A trading strategy run by the engine. `onStep` sees every step (update streaming indicators there);
 * `decide` runs at rebalance times after `onStep`.
 */
export interface Strategy {
  readonly description: StrategyDescription;
  start?(view: MarketView): void;
  onStep?(view: MarketView): void;
  decide(context: StrategyContext): void | Promise<void>;
  llmUsage?(): LlmUsage;
}
