import type { Side } from '@ats/contracts';
import type { CommissionModel } from '../commission';
import { SHARE_EPSILON } from './affordable';
import type { SizingBook } from './book';
import type { SizingPolicy, TradingLimits } from './limits';
import { cashEstimateOf, preTradeCheck } from './pre-trade';

/** An order the checks accepted, in whole shares. */
export interface SizedOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  /** Shares asked for before the limits (equals quantity unless resized). */
  readonly requestedQuantity: number;
  /** The decision close it was sized at. */
  readonly reference: number;
  /** Signed cash the order is expected to move (see cashEstimateOf). */
  readonly cashEstimate: number;
  readonly reason?: string;
}

/**
 * What the model did not pass through as asked: SKIPPED before an order was formed (no price, change too small),
 * REJECTED by the limits (nothing left), RESIZED by the limits (`order` is the index into `orders`).
 */
export interface SizingNote {
  readonly symbol: string;
  readonly side?: Side;
  readonly action: 'SKIPPED' | 'REJECTED' | 'RESIZED';
  readonly requestedQuantity: number;
  readonly allowedQuantity: number;
  readonly reason: string;
  readonly order?: number;
}

export interface SizingResult {
  /** Canonical order: sells, then buys, each by symbol. */
  readonly orders: SizedOrder[];
  /** In the order they were decided. */
  readonly notes: SizingNote[];
}

export interface TargetSizingInput {
  readonly book: SizingBook;
  /** Target weight per symbol; symbols not listed are left alone. */
  readonly weights: ReadonlyMap<string, number>;
  readonly limits: TradingLimits;
  readonly commission: CommissionModel;
  readonly policy: SizingPolicy;
  readonly reason?: string;
}

const bySymbol = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Moves each listed symbol to weight × equity in whole shares at the decision close. Weights are clipped to the
 * per-symbol limit and scaled to the gross limit; target shares are truncated toward zero; the order is the gap to
 * the projected holding (held + pending). Changes under `minWeightChange` of equity are skipped (exits always
 * trade). Sells go first so their estimated proceeds fund the buys, and each order is checked (preTradeCheck)
 * against the book as the earlier ones left it.
 */
export function ordersForTargetWeights(input: TargetSizingInput): SizingResult {
  const { book, limits, commission, policy } = input;
  const { maxWeightPerSymbol, maxGrossExposure, allowShort } = limits;
  const entries = [...input.weights.entries()].sort(([a], [b]) => bySymbol(a, b));
  const floor = allowShort ? -maxWeightPerSymbol : 0;
  const clipped = entries.map(([, w]) => Math.min(maxWeightPerSymbol, Math.max(floor, w)));
  const gross = clipped.reduce((sum, w) => sum + Math.abs(w), 0);
  const scale = gross > maxGrossExposure ? maxGrossExposure / gross : 1;
  const equity = Math.max(0, book.equity);
  const notes: SizingNote[] = [];
  const skip = (symbol: string, reason: string) =>
    notes.push({ symbol, action: 'SKIPPED', requestedQuantity: 0, allowedQuantity: 0, reason });
  const sells: { symbol: string; quantity: number }[] = [];
  const buys: { symbol: string; quantity: number }[] = [];
  for (const [k, [symbol, target]] of entries.entries()) {
    const close = book.price(symbol);
    if (close === undefined || Number.isNaN(close)) {
      skip(symbol, 'no price at the decision close');
      continue;
    }
    if (policy.minWeightChange > 0) {
      const held = book.held(symbol);
      const current = book.equity > 0 ? (held * close) / book.equity : 0;
      const isExit = target === 0 && held !== 0;
      if (!isExit && Math.abs(target - current) < policy.minWeightChange) {
        skip(symbol, `weight change below ${policy.minWeightChange} of equity`);
        continue;
      }
    }
    const weight = (clipped[k] as number) * scale;
    const shares = Math.trunc((weight * equity) / close + Math.sign(weight) * SHARE_EPSILON);
    const delta = shares - book.projected(symbol);
    if (delta === 0) continue;
    (delta > 0 ? buys : sells).push({ symbol, quantity: Math.abs(delta) });
  }
  const orders: SizedOrder[] = [];
  const requests = [
    ...sells.map((r) => ({ ...r, side: 'SELL' as const })),
    ...buys.map((r) => ({ ...r, side: 'BUY' as const })),
  ];
  for (const request of requests) {
    const checked = preTradeCheck(request, book, limits, commission, policy.gapAllowance);
    const { symbol, side } = request;
    const reason = checked.reasons.join('; ');
    if (checked.quantity < 1) {
      notes.push({
        symbol,
        side,
        action: 'REJECTED',
        requestedQuantity: request.quantity,
        allowedQuantity: 0,
        reason: reason || 'less than one whole share',
      });
      continue;
    }
    const signed = side === 'BUY' ? checked.quantity : -checked.quantity;
    const cashEstimate = cashEstimateOf(
      side,
      checked.quantity,
      checked.reference,
      commission,
      policy.gapAllowance,
    );
    book.reserve(symbol, signed, checked.reference, cashEstimate);
    if (checked.quantity < request.quantity - SHARE_EPSILON && checked.reasons.length > 0) {
      notes.push({
        symbol,
        side,
        action: 'RESIZED',
        requestedQuantity: request.quantity,
        allowedQuantity: checked.quantity,
        reason,
        order: orders.length,
      });
    }
    const order: SizedOrder = {
      symbol,
      side,
      quantity: checked.quantity,
      requestedQuantity: request.quantity,
      reference: checked.reference,
      cashEstimate,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
    };
    orders.push(order);
  }
  return { orders, notes };
}
