import type { Bar, Timeframe } from '@ats/contracts';
import { nyseSessions } from './nyse-calendar';

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
 * Whether stored daily bars hold every NYSE session from `from` to `lastDate` (both inclusive). Exact, from the
 * exchange calendar: a range that stops a session short (Friday stored, Monday asked) is not covered, so the
 * provider is asked instead of silently answering with stale bars.
 */
export function dailyBarsCoverRange(bars: readonly Bar[], from: string, lastDate: string): boolean {
  if (lastDate < from) return true;
  const stored = new Set(bars.map((b) => b.ts.slice(0, 10)));
  return nyseSessions(from, lastDate).every((session) => stored.has(session));
}
