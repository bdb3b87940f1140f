import type { OrderStatus } from '@ats/contracts';

/** What can happen to an order after it is accepted. */
export type OrderEvent = 'fill' | 'partialFill' | 'cancel' | 'reject';

/** An order event that its current status does not allow (e.g. filling a cancelled order). */
export class InvalidOrderTransitionError extends Error {
  constructor(
    readonly clientOrderId: string,
    readonly from: OrderStatus,
    readonly event: OrderEvent,
  ) {
    super(`order ${clientOrderId}: cannot ${event} an order that is ${from}`);
    this.name = 'InvalidOrderTransitionError';
  }
}

const OPEN: ReadonlySet<OrderStatus> = new Set(['NEW', 'PARTIALLY_FILLED']);

/** An order is open (may still trade) while NEW or PARTIALLY_FILLED; the rest are final. */
export function isOpen(status: OrderStatus): boolean {
  return OPEN.has(status);
}

/** The status after `event`; only open orders move, and final statuses never change again. */
export function nextOrderStatus(clientOrderId: string, from: OrderStatus, event: OrderEvent): OrderStatus {
  if (!isOpen(from)) throw new InvalidOrderTransitionError(clientOrderId, from, event);
  switch (event) {
    case 'fill':
      return 'FILLED';
    case 'partialFill':
      return 'PARTIALLY_FILLED';
    case 'cancel':
      return 'CANCELLED';
    case 'reject':
      return 'REJECTED';
  }
}
