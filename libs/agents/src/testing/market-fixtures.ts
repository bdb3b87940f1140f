/** Test and benchmark helpers: real daily bars from the data folder (DATA__DIR) and contexts built from them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@ats/config';
import type { Bar, MarketSnapshot, NewsItem, PortfolioState } from '@ats/contracts';
import { SymbolFeed } from '../snapshot';
import type { DecisionContext } from '../types';

export const UNIVERSE = ['AAPL', 'MSFT', 'GOOGL', 'NVDA', 'TSLA', 'AMZN', 'META'] as const;

/**
 * First day of the history all of UNIVERSE share: META's first day of trading. The data folder starts AAPL in 2010
 * and TSLA on 2010-06-29; from here on every file has the same trading days, so bar i is the same date everywhere.
 */
export const COMMON_HISTORY_FROM = '2012-05-18';

function ohlcvFile(symbol: string): string {
  const dir = loadConfig({ envFile: null }).data.dir;
  if (dir === undefined)
    throw new Error('no data folder: set DATA__DIR to run the agents tests and benchmarks');
  return join(dir, 'ohlcv', `${symbol}.csv`);
}

/**
 * Daily bars of `symbol` from <data folder>/ohlcv/<symbol>.csv (ts = midnight UTC of the trading date), from
 * COMMON_HISTORY_FROM on.
 */
export function loadBars(symbol: string): Bar[] {
  const text = readFileSync(ohlcvFile(symbol), 'utf8');
  // ISO dates compare as strings.
  const lines = text
    .trim()
    .split('\n')
    .slice(1)
    .filter((line) => line.slice(0, 10) >= COMMON_HISTORY_FROM);
  return lines.map((line) => {
    const [date, open, high, low, close, , volume] = line.split(',');
    return {
      symbol,
      timeframe: '1d',
      ts: `${date}T00:00:00.000Z`,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
      adjusted: true,
    };
  });
}

/** Snapshots of every symbol after `days` bars (all files share the same dates). */
export function snapshotsAt(
  days: number,
  symbols: readonly string[] = UNIVERSE,
  news: readonly NewsItem[] = [],
): MarketSnapshot[] {
  const snapshots = symbols.map((symbol) => {
    const feed = new SymbolFeed(symbol);
    for (const bar of loadBars(symbol).slice(0, days)) feed.push(bar);
    return feed.snapshot({ news });
  });
  const asOf = new Set(snapshots.map((s) => s.asOf));
  if (asOf.size > 1)
    throw new Error(`snapshotsAt(${days}): the symbols' bars are not aligned (${[...asOf]})`);
  return snapshots;
}

export function cashPortfolio(asOf: string, equity = 100_000): PortfolioState {
  return { asOf, cash: equity, equity, positions: [] };
}

export function contextAt(days: number, overrides: Partial<DecisionContext> = {}): DecisionContext {
  const snapshots = overrides.snapshots ?? snapshotsAt(days, UNIVERSE, overrides.news ?? []);
  const asOf = (snapshots[0] as MarketSnapshot).asOf;
  return {
    asOf,
    correlationId: `cycle-${asOf}`,
    snapshots,
    news: [],
    portfolio: cashPortfolio(asOf),
    ...overrides,
  };
}
