import type { Order } from '@ats/contracts';
import type { SizingBook } from '@ats/execution';

export interface PendingOrder {
  readonly order: Order;
  readonly symbolIndex: number;
  readonly signedQuantity: number;
  /** Cash effect estimated at the decision close, released when the order fills or expires. */
  readonly cashEstimate: number;
}

/**
 * Orders queued at a decision close, waiting for their symbol's next bar, and the book they project: held shares
 * plus pending ones, cash plus the pending cash estimates. Implements the sizing model's SizingBook over the
 * engine's typed arrays, so the checks at a decision see every earlier order as filled at the close.
 */
export class PendingOrders implements SizingBook {
  #queue: PendingOrder[] = [];
  /** Signed pending shares by symbol index. */
  readonly #quantity: Float64Array;
  #cash = 0;
  #gross = Number.NaN;
  #grossStep = -1;
  #step = -1;
  equity = 0;

  constructor(
    private readonly indexOf: (symbol: string) => number,
    /** Shares held by symbol index (the engine's mirror of the ledger). */
    private readonly heldBy: Float64Array,
    /** Last close by symbol index (NaN before the first bar). */
    private readonly closeBy: Float64Array,
    private readonly ledgerCash: () => number,
  ) {
    this.#quantity = new Float64Array(heldBy.length);
  }

  get size(): number {
    return this.#queue.length;
  }

  /** The queue in submission order. */
  get queue(): readonly PendingOrder[] {
    return this.#queue;
  }

  /** Starts a decision step: equity marked at its close; the projected gross is recomputed on first use. */
  atDecision(step: number, equity: number): void {
    this.#step = step;
    this.equity = equity;
  }

  add(pending: PendingOrder): void {
    this.#queue.push(pending);
  }

  /** Replaces the queue with the orders still waiting after a matching pass. */
  keep(stillPending: PendingOrder[]): void {
    this.#queue = stillPending;
  }

  /** An order filled or expired: its pending shares and cash estimate no longer count. */
  release(pending: PendingOrder): void {
    this.#quantity[pending.symbolIndex] =
      (this.#quantity[pending.symbolIndex] as number) - pending.signedQuantity;
    this.#cash -= pending.cashEstimate;
  }

  availableCash(): number {
    return this.ledgerCash() + this.#cash;
  }

  held(symbol: string): number {
    return this.heldBy[this.indexOf(symbol)] as number;
  }

  projected(symbol: string): number {
    const index = this.indexOf(symbol);
    return (this.heldBy[index] as number) + (this.#quantity[index] as number);
  }

  price(symbol: string): number | undefined {
    const close = this.closeBy[this.indexOf(symbol)];
    return close === undefined || Number.isNaN(close) ? undefined : close;
  }

  /** Σ |held + pending| × close: gross exposure once every queued order has filled at today's close. */
  projectedGross(): number {
    if (this.#grossStep !== this.#step) {
      let gross = 0;
      for (let i = 0; i < this.heldBy.length; i++) {
        const quantity = (this.heldBy[i] as number) + (this.#quantity[i] as number);
        if (quantity !== 0) gross += Math.abs(quantity) * (this.closeBy[i] as number);
      }
      this.#gross = gross;
      this.#grossStep = this.#step;
    }
    return this.#gross;
  }

  reserve(symbol: string, signedQuantity: number, reference: number, cashEstimate: number): void {
    const index = this.indexOf(symbol);
    const projected = (this.heldBy[index] as number) + (this.#quantity[index] as number);
    this.#quantity[index] = (this.#quantity[index] as number) + signedQuantity;
    this.#cash += cashEstimate;
    this.#gross =
      this.projectedGross() + (Math.abs(projected + signedQuantity) - Math.abs(projected)) * reference;
  }
}
