/** A slippage model needs a market statistic the caller did not supply (e.g. recent range or volume). */
export class MissingMarketContextError extends Error {
  constructor(
    readonly model: string,
    readonly field: string,
    readonly symbol: string,
  ) {
    super(`${model} slippage needs ${field} for ${symbol}`);
    this.name = 'MissingMarketContextError';
  }
}

/** A fill the ledger cannot book (wrong sign, would go short when shorting is off, non-finite numbers). */
export class InvalidFillError extends Error {
  constructor(
    readonly fillId: string,
    readonly reason: string,
  ) {
    super(`fill ${fillId}: ${reason}`);
    this.name = 'InvalidFillError';
  }
}
