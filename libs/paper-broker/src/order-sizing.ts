import type { Order, TickerSymbol } from '@ats/contracts';
import type { SizingResult } from '@ats/execution';

/**
 * The deterministic id of a cycle's order in one symbol. A cycle re-run after a crash produces the same ids, so
 * JetStream de-duplication and the unique clientOrderId in Postgres make the re-submission a no-op.
 */
export function cycleOrderId(runId: string, asOf: string, symbol: TickerSymbol): string {
  return `${runId}:${asOf.replace(/[-:.]/g, '')}:${symbol}`;
}

export interface CycleOrderIds {
  readonly runId: string;
  readonly correlationId: string;
  /** Decision time (close of bar t): orders are submitted at it and may fill from the next bar on. */
  readonly asOf: string;
}

/**
 * Market DAY orders of one cycle from @ats/execution's sizing model (ordersForTargetWeights), in its canonical
 * order (sells, then buys, by symbol), one per symbol, each with its cycle order id.
 */
export function cycleOrders(sized: SizingResult, cycle: CycleOrderIds): Order[] {
  return sized.orders.map((o) => {
    const order: Order = {
      clientOrderId: cycleOrderId(cycle.runId, cycle.asOf, o.symbol),
      symbol: o.symbol,
      side: o.side,
      type: 'MARKET',
      quantity: o.quantity,
      timeInForce: 'DAY',
      submittedAt: cycle.asOf,
      runId: cycle.runId,
      correlationId: cycle.correlationId,
    };
    if (o.reason !== undefined) order.reason = o.reason;
    return order;
  });
}
