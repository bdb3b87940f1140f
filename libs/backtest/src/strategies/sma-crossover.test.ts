import { describe, expect, it } from 'vitest';
import { runBacktest } from '../engine';
import { feedOf, flat } from '../test-support';
import { smaCrossover } from './sma-crossover';

describe('smaCrossover', () => {
  it('goes long on the cross up and flat on the cross down, trading at the next open', async () => {
    // SMA2 vs SMA3: equal at bar 2, 11 > 10.67 at bar 3 (long), 14 = 14 at bar 6 (no longer above: flat).
    const feed = feedOf({ AAA: flat([10, 10, 10, 12, 14, 16, 12, 8, 6]) });
    const result = await runBacktest({
      feed,
      strategy: smaCrossover({ fast: 2, slow: 3, weightPerSymbol: 0.5 }),
      config: { initialCash: 10_000, commission: { kind: 'none' }, slippage: { kind: 'none' } },
    });
    const ts = feed.timestamps;
    expect(result.decisions.map((d) => [d.ts, d.signals[0]?.signal])).toEqual([
      [ts[3], 'BUY'],
      [ts[6], 'SELL'],
    ]);
    // 50% of 10,000 at the close of 12 = 416 shares, bought at the next open 14, sold at the open 8.
    expect(result.fills.map((f) => [f.filledAt, f.side, f.quantity, f.price])).toEqual([
      [ts[4], 'BUY', 416, 14],
      [ts[7], 'SELL', 416, 8],
    ]);
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0]).toMatchObject({
      side: 'LONG',
      entryPrice: 14,
      exitPrice: 8,
      pnl: -2496,
      holdingBars: 3,
    });
    expect(result.equityCurve.at(-1)?.equity).toBe(7504);
  });

  it('rejects a fast period that is not shorter than the slow one', () => {
    expect(() => smaCrossover({ fast: 50, slow: 20 })).toThrow(RangeError);
  });
});
