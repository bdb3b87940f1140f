import type { Bar, Timeframe } from '@ats/contracts';
import { addDays } from './zoned-time';

/** Bars kept for good (L3): closed, unadjusted bars never change once the session is over. */
export interface StoredBars {
  readonly bars: Bar[];
  /** Providers the stored bars came from. */
  readonly sources: string[];
}

/** Durable bar storage (Postgres `bars` table in production). Only unadjusted bars are stored. */
export interface BarStore {
  loadBars(symbol: string, timeframe: Timeframe, from: string, to: string): Promise<StoredBars>;
  /** Upserts by (symbol, timeframe, ts); returns how many bars were written. */
  saveBars(bars: readonly Bar[], source: string): Promise<number>;
}

/** Process-local BarStore for tests and single-process runs. */
export class InMemoryBarStore implements BarStore {
  readonly #bars = new Map<string, { bar: Bar; source: string }>();

  async loadBars(symbol: string, timeframe: Timeframe, from: string, to: string): Promise<StoredBars> {
    const lo = `${from}T00:00:00.000Z`;
    const hi = `${to}T23:59:59.999Z`;
    const rows = [...this.#bars.values()]
      .filter(
        ({ bar }) => bar.symbol === symbol && bar.timeframe === timeframe && bar.ts >= lo && bar.ts <= hi,
      )
      .sort((a, b) => (a.bar.ts < b.bar.ts ? -1 : 1));
    return { bars: rows.map((r) => r.bar), sources: [...new Set(rows.map((r) => r.source))] };
  }

  async saveBars(bars: readonly Bar[], source: string): Promise<number> {
    for (const bar of bars) this.#bars.set(`${bar.symbol}|${bar.timeframe}|${bar.ts}`, { bar, source });
    return bars.length;
  }

  get size(): number {
    return this.#bars.size;
  }
}

/**
 * Longest run of calendar days between two NYSE sessions in normal times: a weekend plus one holiday (e.g. Thursday
 * to Monday around Good Friday). Longer closures (9/11, Hurricane Sandy) would only cost a provider call.
 */
export const MAX_SESSION_GAP_DAYS = 4;

function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/**
 * Whether stored daily bars plausibly cover every session from `from` to `lastDate`: no edge or inner gap longer
 * than a weekend plus a holiday. Stored bars are written a whole provider range at a time, so holes only appear
 * between separately fetched ranges, which this catches unless they sit less than a weekend apart.
 */
export function dailyBarsCoverRange(bars: readonly Bar[], from: string, lastDate: string): boolean {
  if (lastDate < from) return true;
  const dates = bars.map((b) => b.ts.slice(0, 10));
  const first = dates[0];
  const last = dates.at(-1);
  if (first === undefined || last === undefined) return false;
  if (daysBetween(addDays(from, -1), first) > MAX_SESSION_GAP_DAYS) return false;
  if (daysBetween(last, addDays(lastDate, 1)) > MAX_SESSION_GAP_DAYS) return false;
  for (let i = 1; i < dates.length; i += 1) {
    if (daysBetween(dates[i - 1] as string, dates[i] as string) > MAX_SESSION_GAP_DAYS) return false;
  }
  return true;
}
