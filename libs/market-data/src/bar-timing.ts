import type { Bar, Timeframe } from '@ats/contracts';

/** Length of one bar. A bar's `ts` is its open time, so it is complete at ts + length. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '30m': 30 * 60_000,
  '1h': 60 * 60_000,
  // Daily bars open at 00:00 UTC of the trading date; 24 h later is after the 16:00 New York close all year.
  '1d': 24 * 60 * 60_000,
};

/** A bar is final once its period is over; a still-forming bar is never delivered as a new bar. */
export function barIsClosed(bar: Pick<Bar, 'ts' | 'timeframe'>, nowMs: number): boolean {
  return Date.parse(bar.ts) + TIMEFRAME_MS[bar.timeframe] <= nowMs;
}
