import { LocalCsvProvider } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { loadFeed } from '../csv-feed';
import { runBacktest } from '../engine';
import { BarFeed } from '../feed';
import { barsOf, flat } from '../test-support';
import { buyAndHold } from './buy-and-hold';

describe('buyAndHold', () => {
  it('buys once at the next open and tracks the equal-weight benchmark on the shared data', async () => {
    const provider = new LocalCsvProvider();
    const symbols = ['AAPL', 'AMZN', 'GOOGL', 'META', 'MSFT', 'NVDA', 'TSLA'];
    const feed = await loadFeed(provider, symbols, { from: '2013-01-01', to: '2023-12-31' });
    expect(feed.metadata.adjusted).toBe(false);
    const result = await runBacktest({
      feed,
      strategy: buyAndHold(),
      config: { commission: { kind: 'none' }, slippage: { kind: 'none' } },
    });
    expect(result.stats.barEvents).toBe(7 * 2768);
    expect(result.fills).toHaveLength(7);
    expect(new Set(result.fills.map((f) => f.filledAt))).toEqual(new Set([feed.timestamps[1]]));
    expect(result.trades).toEqual([]);
    const last = result.equityCurve.at(-1);
    // Same holdings as the benchmark except for whole shares and buying at day 2's open, not day 1's close.
    expect(Math.abs((last?.equity ?? 0) / (last?.benchmark ?? 1) - 1)).toBeLessThan(0.03);
    expect(last?.equity).toBeGreaterThan(5 * result.config.initialCash); // the Magnificent Seven, 2013–2023
    // AAPL and MSFT paid dividends all along (GOOGL and META from 2024, NVDA's were a fraction of a cent): cash.
    expect(result.dividends).toBeGreaterThan(0);
  });

  it('buys a late-listing symbol when it first prints', async () => {
    const aaa = barsOf('AAA', flat([10, 10, 10, 10]));
    // BBB lists on the third day.
    const bbb = barsOf('BBB', flat([20, 20])).map((bar, i) => ({ ...bar, ts: aaa[i + 2]?.ts as string }));
    const late = BarFeed.fromBars({ AAA: aaa, BBB: bbb });
    const result = await runBacktest({
      feed: late,
      strategy: buyAndHold(),
      config: { initialCash: 10_000, commission: { kind: 'none' }, slippage: { kind: 'none' } },
    });
    // Half of the equity each: 500 AAA at 10 bought on day 2; 250 BBB (5,000 / 20) bought the day after it lists.
    expect(result.fills.map((f) => [f.symbol, f.filledAt, f.quantity])).toEqual([
      ['AAA', late.timestamps[1], 500],
      ['BBB', late.timestamps[3], 250],
    ]);
  });
});
