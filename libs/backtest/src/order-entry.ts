import type { Order, OrderType } from '@ats/contracts';
import {
  type CommissionModel,
  cashEstimateOf,
  preTradeCheck,
  SHARE_EPSILON,
  type SizingResult,
  type TradingLimits,
} from '@ats/execution';
import type { PendingOrders } from './pending-orders';
import type { OrderAdjustment } from './result';
import type { OrderRequest } from './strategy';

/** Where accepted orders and adjustments of a run are recorded. */
export interface OrderLog {
  readonly orders: Order[];
  readonly adjustments: OrderAdjustment[];
  /** Called with each accepted order's id (the decision record lists them). */
  accepted(clientOrderId: string): void;
}

/**
 * The engine's order entry at a decision close: strategy requests pass the sizing model's pre-trade checks
 * (@ats/execution preTradeCheck); orders sized by the model are queued as they are. Refusals and cuts become
 * result adjustments with their reasons; accepted orders wait in PendingOrders for their symbol's next bar.
 */
export class OrderEntry {
  #sequence = 0;
  #correlationAsOf: string | undefined;
  #correlationId = '';

  constructor(
    private readonly runId: string,
    private readonly limits: TradingLimits,
    private readonly commission: CommissionModel,
    private readonly pending: PendingOrders,
    private readonly indexOf: (symbol: string) => number,
    private readonly log: OrderLog,
  ) {}

  /** One strategy request, checked at the close of `asOf`: returns the client order id, or undefined when refused. */
  submit(request: OrderRequest, asOf: string): string | undefined {
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
    this.indexOf(request.symbol);
    // The checks read symbol, side and quantity only; the record of a refusal or a cut copies just those.
    const checked = preTradeCheck(request, this.pending, this.limits, this.commission);
    if (checked.quantity < 1) {
      const reasons = checked.reasons.join('; ');
      this.adjust(requestedOf(request), 'REJECTED', 0, reasons || 'less than one whole share', asOf);
      return undefined;
    }
    const { quantity, reference } = checked;
    const signed = request.side === 'BUY' ? quantity : -quantity;
    const cashEstimate = cashEstimateOf(request.side, quantity, reference, this.commission);
    this.pending.reserve(request.symbol, signed, reference, cashEstimate);
    const clientOrderId = this.#nextId();
    if (quantity < request.quantity - SHARE_EPSILON && checked.reasons.length > 0) {
      const reasons = checked.reasons.join('; ');
      this.adjust({ ...requestedOf(request), clientOrderId }, 'RESIZED', quantity, reasons, asOf);
    }
    return this.#queue(clientOrderId, request, type, quantity, signed, cashEstimate, asOf, asOf);
  }

  /**
   * Orders the sizing model produced (already checked and reserved on the book), queued in its canonical order.
   * `submittedAt` defaults to the step's time; the agent cycle submits at the decision close.
   */
  place(sized: SizingResult, asOf: string, submittedAt = asOf): string[] {
    // Plain loops: no closure per call (under tsx every closure also gets its name set at creation).
    const ids = new Array<string>(sized.orders.length);
    for (let k = 0; k < ids.length; k++) ids[k] = this.#nextId();
    for (const note of sized.notes) {
      if (note.action === 'SKIPPED' || note.side === undefined) continue;
      const requested = { symbol: note.symbol, side: note.side, quantity: note.requestedQuantity };
      const order = note.order === undefined ? requested : { ...requested, clientOrderId: ids[note.order] };
      this.adjust(order, note.action, note.allowedQuantity, note.reason, asOf);
    }
    for (let k = 0; k < sized.orders.length; k++) {
      const o = sized.orders[k] as SizingResult['orders'][number];
      const signed = o.side === 'BUY' ? o.quantity : -o.quantity;
      const request: OrderRequest = { symbol: o.symbol, side: o.side, quantity: o.quantity, type: 'MARKET' };
      if (o.reason !== undefined) request.reason = o.reason;
      this.#queue(ids[k] as string, request, 'MARKET', o.quantity, signed, o.cashEstimate, asOf, submittedAt);
    }
    return ids;
  }

  adjust(
    order: Pick<Order, 'symbol' | 'side' | 'quantity'> & { clientOrderId?: string | undefined },
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
    this.log.adjustments.push(adjustment);
  }

  /** `runId@asOf`, built once per decision time for all its orders. */
  #correlationIdOf(asOf: string): string {
    if (asOf !== this.#correlationAsOf) {
      this.#correlationAsOf = asOf;
      this.#correlationId = `${this.runId}@${asOf}`;
    }
    return this.#correlationId;
  }

  #nextId(): string {
    return `${this.runId}-${++this.#sequence}`;
  }

  /** Queues `request` as an order of `type` for `quantity` shares (the request's own quantity may have been cut). */
  #queue(
    clientOrderId: string,
    request: OrderRequest,
    type: OrderType,
    quantity: number,
    signedQuantity: number,
    cashEstimate: number,
    asOf: string,
    submittedAt: string,
  ): string {
    const order: Order = {
      clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type,
      quantity,
      timeInForce: request.timeInForce ?? 'DAY',
      submittedAt,
      runId: this.runId,
      correlationId: this.#correlationIdOf(asOf),
    };
    if (request.limitPrice !== undefined) order.limitPrice = request.limitPrice;
    if (request.stopPrice !== undefined) order.stopPrice = request.stopPrice;
    if (request.reason !== undefined) order.reason = request.reason;
    this.pending.add({ order, symbolIndex: this.indexOf(request.symbol), signedQuantity, cashEstimate });
    this.log.orders.push(order);
    this.log.accepted(clientOrderId);
    return clientOrderId;
  }
}

/** What was asked, as an adjustment records it. */
function requestedOf(request: OrderRequest): Pick<Order, 'symbol' | 'side' | 'quantity'> {
  return { symbol: request.symbol, side: request.side, quantity: request.quantity };
}
