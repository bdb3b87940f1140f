/**
 * A strategy asked for data after its decision time. Thrown by the MarketView, never caught by the engine: a
 * backtest that peeks at the future must fail loudly, not quietly produce a too-good equity curve.
 */
export class LookAheadError extends Error {
  constructor(
    readonly symbol: string,
    readonly requestedIndex: number,
    readonly visibleBars: number,
    readonly asOf: string,
  ) {
    super(
      `look-ahead: ${symbol} bar #${requestedIndex} requested at ${asOf}, but only ${visibleBars} bars are known by then`,
    );
    this.name = 'LookAheadError';
  }
}

/** Bars that cannot be merged into one timeline (unsorted, duplicated, mixed adjustment or timeframe). */
export class InvalidFeedError extends Error {
  constructor(
    readonly symbol: string,
    readonly reason: string,
  ) {
    super(`${symbol}: ${reason}`);
    this.name = 'InvalidFeedError';
  }
}

/** A configuration that cannot describe a backtest (unknown benchmark symbol, negative limits...). */
export class InvalidBacktestConfigError extends Error {
  constructor(readonly reason: string) {
    super(`invalid backtest config: ${reason}`);
    this.name = 'InvalidBacktestConfigError';
  }
}
