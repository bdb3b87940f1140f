import type { Fill, Order } from '@ats/contracts';
import { type CommissionModel, noCommission } from './commission';
import { noSlippage, type SlippageContext, type SlippageModel } from './slippage';

/** The bar an order is matched against: structural, so engines can pass a reused object without allocating. */
export interface MatchingBar {
  readonly ts: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface ExecutionModels {
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
}

export const frictionless: ExecutionModels = { commission: noCommission, slippage: noSlippage };

/** Market statistics as of the bar before the fill bar (see SlippageContext). */
export interface MarketStatistics {
  readonly rangeFraction?: number;
  readonly averageVolume?: number;
}

/** Largest adverse slippage fraction accepted: beyond it a sell would fill at a price <= 0. */
const MAX_SLIPPAGE_FRACTION = 0.99;

/**
 * Matches one order against the NEXT bar after it was decided (the caller guarantees that ordering).
 * - MARKET fills at the open ± slippage.
 * - LIMIT fills when the bar trades through the limit: a buy when low <= limit, at min(open, limit) (a gap below
 *   the limit fills at the better open); a sell when high >= limit, at max(open, limit). No slippage: a limit
 *   price is never exceeded.
 * - STOP triggers when the bar trades through the stop: a buy when high >= stop, at max(open, stop) (a gap above
 *   the stop fills at the worse open); a sell when low <= stop, at min(open, stop); then ± slippage as a market order.
 * Returns undefined when the order does not trade on this bar. Quantities fill in full (no partial fills);
 * `Fill.slippage` is the slippage cost in account currency, |price − reference| × quantity.
 */
export function matchOrder(
  order: Order,
  bar: MatchingBar,
  models: ExecutionModels = frictionless,
  statistics: MarketStatistics = {},
): Fill | undefined {
  const isBuy = order.side === 'BUY';
  let reference: number;
  let slips = true;
  switch (order.type) {
    case 'MARKET':
      reference = bar.open;
      break;
    case 'LIMIT': {
      const limit = order.limitPrice as number;
      if (isBuy ? bar.low > limit : bar.high < limit) return undefined;
      reference = isBuy ? Math.min(bar.open, limit) : Math.max(bar.open, limit);
      slips = false;
      break;
    }
    case 'STOP': {
      const stop = order.stopPrice as number;
      if (isBuy ? bar.high < stop : bar.low > stop) return undefined;
      reference = isBuy ? Math.max(bar.open, stop) : Math.min(bar.open, stop);
      break;
    }
  }
  let fraction = 0;
  if (slips) {
    const context: SlippageContext = {
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      referencePrice: reference,
      ...statistics,
    };
    fraction = Math.min(models.slippage.slippageFraction(context), MAX_SLIPPAGE_FRACTION);
  }
  const price = isBuy ? reference * (1 + fraction) : reference * (1 - fraction);
  const fill: Fill = {
    fillId: `${order.clientOrderId}@${bar.ts}`,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    quantity: order.quantity,
    price,
    commission: models.commission.commission(order.quantity, price),
    slippage: Math.abs(price - reference) * order.quantity,
    filledAt: bar.ts,
  };
  if (order.runId !== undefined) fill.runId = order.runId;
  if (order.correlationId !== undefined) fill.correlationId = order.correlationId;
  return fill;
}
