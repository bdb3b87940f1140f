import type { Fill, Order } from '@ats/contracts';
import { type ExecutionModels, type MarketStatistics, type MatchingBar, matchOrder } from '../matching';
import { affordableQuantity } from './affordable';
import type { TradingLimits } from './limits';

/** The account when an order meets its bar. */
export interface AccountAtFill {
  /** Shares of the order's symbol held (signed). */
  readonly held: number;
  readonly cash: number;
}

export interface FillLimitOutcome {
  /** The fill to book; undefined when nothing may fill (REJECTED). */
  readonly fill: Fill | undefined;
  readonly action?: 'REJECTED' | 'RESIZED';
  readonly allowedQuantity: number;
  readonly reason?: string;
}

/**
 * Fill-time checks: the open may have gapped since the decision close. Without shorting a sell is cut to the
 * shares held; without margin a buy is cut to the whole shares the cash pays for at the fill price. A cut order
 * fills what is allowed and the rest is dropped.
 */
export function limitFillToAccount(
  order: Order,
  fill: Fill,
  bar: MatchingBar,
  account: AccountAtFill,
  limits: Pick<TradingLimits, 'allowShort' | 'allowMargin'>,
  models: ExecutionModels,
  statistics: MarketStatistics = {},
): FillLimitOutcome {
  let allowed = fill.quantity;
  let reason = '';
  if (order.side === 'SELL' && !limits.allowShort) {
    const long = Math.max(0, account.held);
    if (allowed > long) {
      allowed = long;
      reason = `only ${long} held at the fill`;
    }
  }
  if (order.side === 'BUY' && !limits.allowMargin) {
    const cost = fill.quantity * fill.price + fill.commission;
    if (cost > account.cash) {
      allowed = Math.min(allowed, affordableQuantity(account.cash, fill.price, models.commission));
      reason = `cash ${account.cash.toFixed(2)} short of ${cost.toFixed(2)} at the fill`;
    }
  }
  if (allowed >= fill.quantity) return { fill, allowedQuantity: fill.quantity };
  if (allowed < 1) return { fill: undefined, action: 'REJECTED', allowedQuantity: 0, reason };
  let resized = matchOrder({ ...order, quantity: allowed }, bar, models, statistics) as Fill;
  if (order.side === 'BUY' && !limits.allowMargin) {
    // Impact slippage grows with size; a smaller order is never dearer per share, but check the total anyway.
    while (resized.quantity >= 1 && resized.quantity * resized.price + resized.commission > account.cash) {
      resized = matchOrder({ ...order, quantity: resized.quantity - 1 }, bar, models, statistics) as Fill;
    }
  }
  return { fill: resized, action: 'RESIZED', allowedQuantity: allowed, reason };
}
