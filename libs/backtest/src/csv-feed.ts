import type { Bar } from '@ats/contracts';
import { BarFeed } from './feed';

/** Anything that loads one symbol's daily bars (e.g. @ats/market-data LocalCsvProvider). */
export interface BarLoader {
  loadBars(symbol: string, options?: { from?: string; to?: string }): Promise<Bar[]>;
}

/**
 * Loads the universe and merges it into one feed. Prices are used exactly as the source gives them; BarFeed
 * refuses to mix adjusted and unadjusted series.
 */
export async function loadFeed(
  loader: BarLoader,
  symbols: readonly string[],
  range: { from?: string; to?: string } = {},
): Promise<BarFeed> {
  const bars = new Map<string, Bar[]>();
  for (const symbol of symbols) bars.set(symbol, await loader.loadBars(symbol, range));
  return BarFeed.fromBars(bars);
}
