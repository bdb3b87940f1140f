/**
 * Structural inputs. The backtester's own result types (EquityPoint, TradeRecord, Fill) satisfy these, so this
 * library needs no dependency on it: pass its objects straight in.
 */

/** One bar of the account's mark-to-market history. Bars are assumed to be trading days. */
export interface EquityPoint {
  /** ISO-8601 UTC instant of the bar close. Strictly increasing along the curve. */
  readonly ts: string;
  /** Account value (cash + positions marked to the bar close), in account currency. Must be > 0. */
  readonly equity: number;
  /** Value of the benchmark (e.g. buy-and-hold of the same capital) at the same bar; > 0 when given. */
  readonly benchmark?: number;
  /** Gross position value / equity at the bar (0 = flat, 1 = fully invested, 2 = 2x gross). */
  readonly exposure?: number;
}

/** A round trip, as closed by the backtester. Only `pnl` is needed for the statistics. */
export interface ClosedTrade {
  /** Realised profit or loss of the round trip, net of commissions, in account currency. */
  readonly pnl: number;
}

/** An execution; its notional (quantity × price) counts towards turnover. */
export interface TradedFill {
  readonly quantity: number;
  readonly price: number;
}

export interface PerformanceOptions {
  /** Annual risk-free rate as a fraction (0.04 = 4% a year). Default 0. */
  readonly riskFreeRate?: number;
  /** Window of the rolling Sharpe series, in daily returns. Default 63 (one quarter). */
  readonly rollingSharpeWindow?: number;
}

export interface PerformanceInput {
  readonly equityCurve: readonly EquityPoint[];
  readonly trades?: readonly ClosedTrade[];
  readonly fills?: readonly TradedFill[];
}

/** A value attached to the bar it belongs to. */
export interface DatedValue {
  readonly ts: string;
  readonly value: number;
}

export interface DatedOptionalValue {
  readonly ts: string;
  readonly value: number | null;
}
