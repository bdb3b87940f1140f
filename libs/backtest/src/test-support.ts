import type { Bar } from '@ats/contracts';
import { BarFeed } from './feed';
import { weekdayTimestamps } from './random-walk';

export interface BarSpec {
  open: number;
  high?: number;
  low?: number;
  close: number;
  volume?: number;
  /** The source's total-return close (dividend-adjusted); omitted = none published. */
  adjClose?: number;
}

/** Contract bars on consecutive weekdays from 2024-01-01 (a Monday); high/low default to the open/close range. */
export function barsOf(symbol: string, specs: readonly BarSpec[], start = '2024-01-01'): Bar[] {
  const ts = weekdayTimestamps(start, specs.length);
  return specs.map((s, i) => ({
    symbol,
    timeframe: '1d',
    ts: ts[i] as string,
    open: s.open,
    high: s.high ?? Math.max(s.open, s.close),
    low: s.low ?? Math.min(s.open, s.close),
    close: s.close,
    volume: s.volume ?? 1_000_000,
    adjusted: false,
    ...(s.adjClose === undefined ? {} : { adjClose: s.adjClose }),
  }));
}

/** A feed from per-symbol bar specs. */
export function feedOf(specs: Record<string, readonly BarSpec[]>, start?: string): BarFeed {
  return BarFeed.fromBars(
    Object.fromEntries(Object.entries(specs).map(([s, b]) => [s, barsOf(s, b, start)])),
  );
}

/** Bars whose open equals the close, for tests that only care about one price per day. */
export function flat(closes: readonly number[]): BarSpec[] {
  return closes.map((c) => ({ open: c, close: c }));
}
