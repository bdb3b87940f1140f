import type { Side } from '@ats/contracts';
import type { CommissionModel } from '../commission';
import { affordableQuantity, SHARE_EPSILON } from './affordable';
import type { SizingBook } from './book';
import type { TradingLimits } from './limits';

export interface QuantityRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
}

export interface PreTradeOutcome {
  /** Whole shares allowed (0: refused). */
  readonly quantity: number;
  /** The decision close the checks used (NaN when the symbol has no price yet). */
  readonly reference: number;
  /** Why the quantity was cut, one entry per binding limit. */
  readonly reasons: readonly string[];
}

/**
 * Pre-trade checks of one order at the decision close, against the book as if every pending order had filled
 * there: whole shares, max weight per symbol, max gross exposure, shorting, and (without margin) the cash left,
 * each buy share priced `gapAllowance` above the close.
 */
export function preTradeCheck(
  request: QuantityRequest,
  book: SizingBook,
  limits: TradingLimits,
  commission: CommissionModel,
  gapAllowance = 0,
): PreTradeOutcome {
  const reference = book.price(request.symbol) ?? Number.NaN;
  if (Number.isNaN(reference)) return { quantity: 0, reference, reasons: ['no price known yet'] };
  const { maxWeightPerSymbol, maxGrossExposure, allowShort, allowMargin } = limits;
  const equity = Math.max(0, book.equity);
  const projected = book.projected(request.symbol);
  const maxShares = Math.floor((maxWeightPerSymbol * equity) / reference + SHARE_EPSILON);
  const grossRoom = Math.max(0, maxGrossExposure * equity - book.projectedGross());
  const grossRoomShares = Math.floor(grossRoom / reference + SHARE_EPSILON);
  let quantity = Math.floor(request.quantity + SHARE_EPSILON);
  // Checked once per order in every backtest: plain branches, and a reasons list only when a limit binds.
  let reasons: string[] | undefined;
  if (request.side === 'BUY') {
    const byWeight = maxShares - projected;
    if (quantity > byWeight) {
      quantity = Math.max(0, byWeight);
      reasons = withReason(reasons, `max weight ${maxWeightPerSymbol} per symbol`);
    }
    // Covering a short frees gross room; only shares beyond the cover add exposure.
    const byGross = Math.max(0, -projected) + grossRoomShares;
    if (quantity > byGross) {
      quantity = Math.max(0, byGross);
      reasons = withReason(reasons, `max gross exposure ${maxGrossExposure}`);
    }
    if (!allowMargin) {
      const byCash = affordableQuantity(book.availableCash(), reference * (1 + gapAllowance), commission);
      if (quantity > byCash) {
        quantity = Math.max(0, byCash);
        reasons = withReason(reasons, 'cash available (no margin)');
      }
    }
  } else if (!allowShort) {
    const held = Math.max(0, projected);
    if (quantity > held) {
      quantity = held;
      reasons = withReason(reasons, 'no short selling');
    }
  } else {
    const byWeight = projected + maxShares;
    if (quantity > byWeight) {
      quantity = Math.max(0, byWeight);
      reasons = withReason(reasons, `max weight ${maxWeightPerSymbol} per symbol`);
    }
    const byGross = Math.max(0, projected) + grossRoomShares;
    if (quantity > byGross) {
      quantity = Math.max(0, byGross);
      reasons = withReason(reasons, `max gross exposure ${maxGrossExposure}`);
    }
  }
  return { quantity, reference, reasons: reasons ?? NO_REASONS };
}

const NO_REASONS: readonly string[] = Object.freeze([]);

/** The reasons so far with `why` added (the list is made on the first binding limit). */
function withReason(reasons: string[] | undefined, why: string): string[] {
  const list = reasons ?? [];
  list.push(why);
  return list;
}

/**
 * The cash an accepted order is expected to move once filled (negative for buys): sells at the close less
 * commission, buys at the close plus the gap allowance plus commission. Released when the order fills or expires.
 */
export function cashEstimateOf(
  side: Side,
  quantity: number,
  reference: number,
  commission: CommissionModel,
  gapAllowance = 0,
): number {
  if (side === 'SELL') return quantity * reference - commission.commission(quantity, reference);
  const price = reference * (1 + gapAllowance);
  return -quantity * price - commission.commission(quantity, price);
}
