import type { Bar, TickerSymbol } from '@ats/contracts';
import type { MarketDataProvider } from '@ats/market-data';

/** All symbols' bars that opened at one instant (daily bars: one trading date). */
export interface TradingDay {
  /** Bar open time (daily: midnight UTC of the trading date). */
  readonly ts: string;
  readonly bars: ReadonlyMap<TickerSymbol, Bar>;
}

/**
 * Calendar days of history loaded before the replay starts, so indicators are warm at the first cycle: 400
 * calendar days hold the 260 trading-day snapshot lookback (SMA 200 and 252-day risk statistics) with margin.
 */
export const WARMUP_CALENDAR_DAYS = 400;
const MS_PER_DAY = 86_400_000;

export interface ReplayDays {
  /** Bars before `from`: pushed into the indicators, no cycle. */
  readonly warmup: TradingDay[];
  /** One cycle each, oldest first. */
  readonly replay: TradingDay[];
}

/** Groups bars of several symbols by open time, oldest first. */
export function groupByDay(barsBySymbol: ReadonlyMap<TickerSymbol, readonly Bar[]>): TradingDay[] {
  const days = new Map<string, Map<TickerSymbol, Bar>>();
  for (const [symbol, bars] of barsBySymbol) {
    for (const bar of bars) {
      let day = days.get(bar.ts);
      if (!day) {
        day = new Map();
        days.set(bar.ts, day);
      }
      day.set(symbol, bar);
    }
  }
  return [...days.entries()]
    .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
    .map(([ts, bars]) => ({ ts, bars }));
}

/** Daily bars of `symbols` for a replay from `from` to `to` (dates, inclusive) with a warm-up before it. */
export async function loadReplayDays(
  provider: MarketDataProvider,
  symbols: readonly TickerSymbol[],
  from: string,
  to: string,
  warmupCalendarDays = WARMUP_CALENDAR_DAYS,
): Promise<ReplayDays> {
  const warmFrom = new Date(Date.parse(from) - warmupCalendarDays * MS_PER_DAY).toISOString().slice(0, 10);
  const bySymbol = new Map<TickerSymbol, Bar[]>();
  for (const symbol of symbols) {
    const batch = await provider.fetchBars({ symbol, timeframe: '1d', from: warmFrom, to });
    bySymbol.set(symbol, batch.bars);
  }
  const days = groupByDay(bySymbol);
  const start = Date.parse(from);
  return {
    warmup: days.filter((d) => Date.parse(d.ts) < start),
    replay: days.filter((d) => Date.parse(d.ts) >= start),
  };
}
