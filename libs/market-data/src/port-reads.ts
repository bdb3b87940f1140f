import type { Bar, Timeframe } from '@ats/contracts';
import { barIsClosed } from './bar-timing';
import type { LoadBarsOptions } from './local-csv-provider';
import type { NewBarsRequest } from './market-data-port';
import { NewBarDelivery } from './new-bar-delivery';
import type { BarBatch, BarsQuery } from './provider';
import { addDays } from './zoned-time';

/*
 * Reads every market-data port (and the daily-bar store) makes the same way, whatever serves the bars.
 */

/** Where a port's handler failures go. */
export interface PortLogger {
  warn(details: object, message: string): void;
}

/** Calendar days searched back for the latest bar: a long weekend and a holiday fit in a daily one. */
export const LATEST_BAR_LOOKBACK_DAYS: Readonly<Record<Timeframe, number>> = {
  '1m': 4,
  '5m': 4,
  '15m': 4,
  '30m': 6,
  '1h': 6,
  '1d': 10,
};

/** The query behind `loadBars`: daily bars unless asked otherwise; an absent date is an open end (''). */
export function barsQueryOf(symbol: string, options: LoadBarsOptions = {}): BarsQuery {
  return {
    symbol,
    timeframe: options.timeframe ?? '1d',
    from: options.from ?? '',
    to: options.to ?? '',
    ...(options.adjusted === undefined ? {} : { adjusted: options.adjusted }),
  };
}

/** The last closed bar of each symbol at or before `nowMs`, looked up symbol by symbol; symbols with none are absent. */
export async function latestClosedBars(
  fetchBars: (query: BarsQuery) => Promise<BarBatch>,
  symbols: readonly string[],
  timeframe: Timeframe,
  nowMs: number,
): Promise<Map<string, Bar>> {
  const to = new Date(nowMs).toISOString().slice(0, 10);
  const from = addDays(to, -LATEST_BAR_LOOKBACK_DAYS[timeframe]);
  const latest = new Map<string, Bar>();
  for (const symbol of symbols) {
    const { bars } = await fetchBars({ symbol, timeframe, from, to });
    const last = bars.filter((bar) => barIsClosed(bar, nowMs)).at(-1);
    if (last) latest.set(symbol.toUpperCase(), last);
  }
  return latest;
}

/** The once-and-in-order delivery of a new-bar subscription, a failing handler logged with its bar. */
export function newBarDeliveryFor(
  request: NewBarsRequest,
  onBar: (bar: Bar) => void | Promise<void>,
  logger?: PortLogger,
): NewBarDelivery {
  return new NewBarDelivery({
    symbols: request.symbols.map((s) => s.toUpperCase()),
    ...(request.after ? { after: request.after } : {}),
    onBar,
    onError: (err, bar) => logger?.warn({ err, symbol: bar.symbol, ts: bar.ts }, 'new-bar handler failed'),
  });
}
