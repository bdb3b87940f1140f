import { type Bar, TIMEFRAME_MS } from '@ats/contracts';

// The bar length is the contracts' word; re-exported for this lib's public API.
export { TIMEFRAME_MS };

/** A bar is final once its period is over; a still-forming bar is never delivered as a new bar. */
export function barIsClosed(bar: Pick<Bar, 'ts' | 'timeframe'>, nowMs: number): boolean {
  return Date.parse(bar.ts) + TIMEFRAME_MS[bar.timeframe] <= nowMs;
}
