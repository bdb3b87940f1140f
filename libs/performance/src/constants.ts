// The annualisation factor is the system's word (libs/contracts); performance uses and re-exports it.
export { TRADING_DAYS_PER_YEAR } from '@ats/contracts';

/** Rolling Sharpe window in daily returns: one quarter of trading days. */
export const ROLLING_SHARPE_WINDOW = 63;

/**
 * A standard deviation at or below this is treated as zero: a series that grows by exactly the same fraction each
 * day still shows ~1e-18 of floating-point noise, and dividing by it would report a meaningless huge ratio.
 */
export const ZERO_VARIANCE_EPSILON = 1e-12;

/** Tail probabilities of the historical VaR levels reported (95% and 99% confidence). */
export const VAR_TAIL_95 = 0.05;
export const VAR_TAIL_99 = 0.01;
