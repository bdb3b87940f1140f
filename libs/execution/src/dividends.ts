/**
 * Cash dividends per share implied by a total-return (dividend-adjusted) close next to the unadjusted close.
 *
 * Yahoo/CRSP back-adjustment: adjClose_t = close_t × Π over ex-dates e > t of (1 − D_e / close_{e−1}), so the
 * factor f_t = adjClose_t / close_t steps up only on an ex-date D, by f_{D−1} / f_D = 1 − D_D / close_{D−1}.
 * Hence D_D = close_{D−1} × (1 − f_{D−1} / f_D). Splits move close and adjClose together and leave f alone.
 */

/**
 * Smallest relative step (D / close_{D−1}) taken as a dividend. Six-decimal rounding of adjClose makes steps of up to
 * ~5e-6 on low-priced history (NVDA 2010 at $0.40); the smallest real dividend in the data set is ~5e-5.
 */
export const MIN_DIVIDEND_YIELD_STEP = 1e-5;

/** Dividends are rounded to 6 decimals of a currency unit (split-adjusted dividends go below a cent). */
const DIVIDEND_DECIMALS = 1e6;

/**
 * Per-bar cash dividend (0 on most bars) from aligned `close` and `adjClose` columns. A missing or non-positive
 * adjClose (NaN) yields 0 for that bar and the next. A factor that steps down (a source revising its adjustment,
 * not a payout) yields 0 too.
 */
export function cashDividendsFromAdjustedClose(
  close: ArrayLike<number>,
  adjClose: ArrayLike<number>,
): Float64Array {
  const n = close.length;
  const dividends = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    const previousClose = close[t - 1] as number;
    const previousFactor = (adjClose[t - 1] as number) / previousClose;
    const factor = (adjClose[t] as number) / (close[t] as number);
    if (!(previousFactor > 0) || !(factor > 0)) continue;
    const yieldStep = 1 - previousFactor / factor;
    if (yieldStep > MIN_DIVIDEND_YIELD_STEP) {
      dividends[t] = Math.round(previousClose * yieldStep * DIVIDEND_DECIMALS) / DIVIDEND_DECIMALS;
    }
  }
  return dividends;
}
