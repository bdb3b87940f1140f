/**
 * The account as the sizing model sees it at a decision close: holdings, orders not yet filled and their cash,
 * marks at the close. Engines implement it over their own state; `reserve` records each accepted order so the
 * next one is checked against the book as if every earlier order had filled at the close.
 */
export interface SizingBook {
  /** Equity marked at the decision close. */
  readonly equity: number;
  /** Cash plus the estimated cash effect of every pending order (sells add, buys spend). */
  availableCash(): number;
  /** Shares held now (signed; pending orders excluded). */
  held(symbol: string): number;
  /** Shares held once every pending order has filled (signed). */
  projected(symbol: string): number;
  /** The decision close of `symbol`, or undefined when it has not printed yet. */
  price(symbol: string): number | undefined;
  /** Σ |projected| × close over the book. */
  projectedGross(): number;
  /** Records an accepted order: `signedQuantity` shares at `reference`, `cashEstimate` its signed cash effect. */
  reserve(symbol: string, signedQuantity: number, reference: number, cashEstimate: number): void;
}

/** A SizingBook over plain maps (the paper and live paths, tests). */
export class MapSizingBook implements SizingBook {
  readonly equity: number;
  #cash: number;
  readonly #held: ReadonlyMap<string, number>;
  readonly #projected: Map<string, number>;
  readonly #prices: ReadonlyMap<string, number>;
  #gross: number;

  constructor(options: {
    readonly equity: number;
    readonly cash: number;
    readonly held: ReadonlyMap<string, number>;
    /** Signed quantities of orders not yet filled, and their estimated cash effect. */
    readonly pending?: ReadonlyMap<string, number>;
    readonly pendingCash?: number;
    readonly prices: ReadonlyMap<string, number>;
  }) {
    this.equity = options.equity;
    this.#cash = options.cash + (options.pendingCash ?? 0);
    this.#held = options.held;
    this.#prices = options.prices;
    this.#projected = new Map(options.held);
    for (const [symbol, quantity] of options.pending ?? []) {
      this.#projected.set(symbol, (this.#projected.get(symbol) ?? 0) + quantity);
    }
    this.#gross = 0;
    for (const [symbol, quantity] of this.#projected) {
      const price = this.#prices.get(symbol);
      if (quantity !== 0 && price !== undefined) this.#gross += Math.abs(quantity) * price;
    }
  }

  availableCash(): number {
    return this.#cash;
  }
  held(symbol: string): number {
    return this.#held.get(symbol) ?? 0;
  }
  projected(symbol: string): number {
    return this.#projected.get(symbol) ?? 0;
  }
  price(symbol: string): number | undefined {
    return this.#prices.get(symbol);
  }
  projectedGross(): number {
    return this.#gross;
  }
  reserve(symbol: string, signedQuantity: number, reference: number, cashEstimate: number): void {
    const before = this.projected(symbol);
    this.#projected.set(symbol, before + signedQuantity);
    this.#gross += (Math.abs(before + signedQuantity) - Math.abs(before)) * reference;
    this.#cash += cashEstimate;
  }
}
