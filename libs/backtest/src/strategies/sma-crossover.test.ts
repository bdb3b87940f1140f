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

  it('does not trade when the averages touch and only rounding noise puts the fast one above', async () => {
    // At bar 3 SMA2 = (161.05 + 166.03)/2 and SMA3 = (163.54 + 161.05 + 166.03)/3 are both 163.54 in decimal, but the
    // rolling sums give SMA2 − SMA3 = +2.8e-14 (as AAPL's SMA20/SMA50 on 2022-11-21): a touch, not a cross up.
    const feed = feedOf({ AAA: flat([165.3, 163.54, 161.05, 166.03, 150, 150]) });
    const result = await runBacktest({
      feed,
      strategy: smaCrossover({ fast: 2, slow: 3 }),
      config: { initialCash: 10_000, commission: { kind: 'none' }, slippage: { kind: 'none' } },
    });
    expect(result.decisions).toEqual([]);
    expect(result.fills).toEqual([]);
  });

  it('retries a refused entry while the signal stands, from the position actually held', async () => {
    // Each symbol wants all the equity; the gross limit (1) refuses BBB's entry at its cross up (bar 4) and at each
    // decision after while AAA is held. AAA's cross down at bar 7 frees the room: BBB, still above, is bought then.
    const feed = feedOf({
      AAA: flat([10, 10, 10, 12, 14, 16, 18, 12, 8, 6, 6]),
      BBB: flat([20, 20, 20, 20, 22, 24, 26, 28, 30, 32, 34]),
    });
    const result = await runBacktest({
      feed,
      strategy: smaCrossover({ fast: 2, slow: 3, weightPerSymbol: 1 }),
      config: { initialCash: 10_000, commission: { kind: 'none' }, slippage: { kind: 'none' } },
    });
    const ts = feed.timestamps;
    const refused = result.adjustments.filter((a) => a.action === 'REJECTED');
    expect(refused.map((a) => [a.ts, a.symbol, a.reason])).toEqual(
      [4, 5, 6].map((bar) => [ts[bar], 'BBB', 'max gross exposure 1']),
    );
    // One decision per time; BBB's refused entry at bar 4 is recorded with no order, its accepted retry at bar 7.
    expect(
      result.decisions.map((d) => [
        d.ts,
        d.signals.map((sg) => `${sg.symbol} ${sg.signal}`),
        d.orderIds.length,
      ]),
    ).toEqual([
      [ts[3], ['AAA BUY'], 1],
      [ts[4], ['BBB BUY'], 0],
      [ts[7], ['AAA SELL', 'BBB BUY'], 2],
    ]);
    expect(result.decisions.at(-1)?.signals[1]?.reasoning).toMatch(/retry: not held$/);
    expect(result.fills.map((f) => [f.filledAt, f.symbol, f.side])).toEqual([
      [ts[4], 'AAA', 'BUY'],
      [ts[8], 'AAA', 'SELL'],
      [ts[8], 'BBB', 'BUY'],
    ]);
    expect(result.finalPositions.map((p) => p.symbol)).toEqual(['BBB']);
  });

  it('rejects a fast period that is not shorter than the slow one', () => {
    expect(() => smaCrossover({ fast: 50, slow: 20 })).toThrow(RangeError);
  });
});
