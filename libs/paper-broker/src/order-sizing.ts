import type { TargetPosition } from '@ats/agents';
import { affordableQuantity } from '@ats/backtest';
import type { Order, PortfolioState, TickerSymbol } from '@ats/contracts';
import type { CommissionModel } from '@ats/execution';

/** Half a percent of equity (as the backtester's multi-agent strategy): smaller changes cost more than they fix. */
export const DEFAULT_MIN_WEIGHT_CHANGE = 0.005;
/**
 * Buys are sized against cash at the decision close but fill at the next open; keep this fraction of each buy's
 * value in reserve so an overnight gap up does not overdraw the account.
 */
export const GAP_ALLOWANCE = 0.01;
/** Guards whole-share rounding against float error (0.9999999 shares is one share). */
const SHARE_EPSILON = 1e-9;

export interface SizingInput {
  readonly runId: string;
  readonly correlationId: string;
  /** Decision time (close of bar t); orders are submitted at it and may fill from the next bar on. */
  readonly asOf: string;
  readonly targets: readonly TargetPosition[];
  /** Marked at the close of bar t. */
  readonly portfolio: PortfolioState;
  readonly priceOf: (symbol: TickerSymbol) => number | undefined;
  readonly commission: CommissionModel;
  readonly minWeightChange?: number;
}

export interface SkippedTarget {
  readonly symbol: TickerSymbol;
  readonly reason: string;
}

export interface SizedOrders {
  /** Sells first (they free cash), then buys; one order per symbol at most. */
  readonly orders: Order[];
  readonly skipped: SkippedTarget[];
}

/**
 * The deterministic id of a cycle's order in one symbol. A cycle re-run after a crash produces the same ids, so
 * JetStream de-duplication and the unique clientOrderId in Postgres make the re-submission a no-op.
 */
export function cycleOrderId(runId: string, asOf: string, symbol: TickerSymbol): string {
  return `${runId}:${asOf.replace(/[-:.]/g, '')}:${symbol}`;
}

/**
 * Market DAY orders that move the book from its holdings to the target weights, in whole shares, long only:
 * target shares = ⌊weight × equity / close⌋. Exits always trade; other changes smaller than `minWeightChange`
 * of equity are skipped. Buys are cut to the cash the sells leave (commission and GAP_ALLOWANCE included).
 */
export function ordersForTargets(input: SizingInput): SizedOrders {
  const { portfolio, commission } = input;
  const minWeightChange = input.minWeightChange ?? DEFAULT_MIN_WEIGHT_CHANGE;
  const equity = Math.max(0, portfolio.equity);
  const held = new Map(portfolio.positions.map((p) => [p.symbol, p.quantity]));
  const skipped: SkippedTarget[] = [];
  const sells: Order[] = [];
  const buys: { symbol: TickerSymbol; quantity: number; price: number; reason: string }[] = [];
  const targets = [...input.targets].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (const target of targets) {
    const price = input.priceOf(target.symbol);
    if (price === undefined || !(price > 0)) {
      skipped.push({ symbol: target.symbol, reason: 'no price at the decision close' });
      continue;
    }
    const current = held.get(target.symbol) ?? 0;
    const wanted = Math.floor((Math.max(0, target.targetWeight) * equity) / price + SHARE_EPSILON);
    const delta = wanted - current;
    if (delta === 0) continue;
    const isExit = wanted === 0 && current > 0;
    if (!isExit && equity > 0 && (Math.abs(delta) * price) / equity < minWeightChange) {
      skipped.push({ symbol: target.symbol, reason: `change below ${minWeightChange} of equity` });
      continue;
    }
    const reason = `target ${(target.targetWeight * 100).toFixed(1)}% (score ${target.score.toFixed(2)})`;
    if (delta < 0) sells.push(orderOf(input, target.symbol, 'SELL', -delta, reason));
    else buys.push({ symbol: target.symbol, quantity: delta, price, reason });
  }
  let cash = portfolio.cash;
  for (const sell of sells) {
    const price = input.priceOf(sell.symbol) as number;
    cash += sell.quantity * price - commission.commission(sell.quantity, price);
  }
  const orders = [...sells];
  for (const buy of buys) {
    const reserve = buy.price * (1 + GAP_ALLOWANCE);
    const quantity = Math.min(buy.quantity, affordableQuantity(cash, reserve, commission));
    if (quantity < 1) {
      skipped.push({ symbol: buy.symbol, reason: 'not enough cash for one share' });
      continue;
    }
    cash -= quantity * reserve + commission.commission(quantity, reserve);
    orders.push(orderOf(input, buy.symbol, 'BUY', quantity, buy.reason));
  }
  return { orders, skipped };
}

function orderOf(
  input: SizingInput,
  symbol: TickerSymbol,
  side: 'BUY' | 'SELL',
  quantity: number,
  reason: string,
): Order {
  return {
    clientOrderId: cycleOrderId(input.runId, input.asOf, symbol),
    symbol,
    side,
    type: 'MARKET',
    quantity,
    timeInForce: 'DAY',
    submittedAt: input.asOf,
    runId: input.runId,
    correlationId: input.correlationId,
    reason,
  };
}
