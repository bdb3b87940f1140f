import type { MarketSnapshot } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { type HistoryColumns, SymbolFeed } from './snapshot';
import { loadBars, UNIVERSE } from './testing/market-fixtures';
import { alignedReturns, type UniverseReturns } from './universe';

/** Each symbol's returns as a plain array: the column path hands out views of the feeds' returns, the bar path arrays. */
const values = (u: UniverseReturns): number[][] => u.returns.map((r) => Array.from(r));

describe('alignedReturns', () => {
  it('gives the same returns and dates from the feed columns as from the Bar objects', () => {
    const feeds = UNIVERSE.map((s) => new SymbolFeed(s, 60));
    const bars = UNIVERSE.map((s) => loadBars(s));
    const taken: { snapshots: MarketSnapshot[]; columns: (HistoryColumns | undefined)[] }[] = [];
    for (let day = 0; day < 300; day++) {
      // A missing bar for one symbol on some days: the aligned window must stop there on both paths.
      feeds.forEach((feed, i) => {
        if (!(i === 2 && day % 97 === 50)) feed.push((bars[i] as ReturnType<typeof loadBars>)[day] as never);
      });
      if (day % 7 !== 0) continue;
      const snapshots = feeds.map((f) => f.snapshot());
      const columns = feeds.map((f) => f.historyColumns());
      taken.push({ snapshots, columns });
      const fast = alignedReturns(snapshots, columns);
      const slow = alignedReturns([...snapshots]); // no columns: the Bar path
      expect(values(fast)).toEqual(values(slow));
      expect(fast.dates).toEqual(slow.dates);
      expect(fast.symbols).toEqual(slow.symbols);
    }
    // Snapshots stay valid after later pushes and trims of the feeds (new arrays: no memo).
    for (const { snapshots, columns } of taken) {
      const again = alignedReturns([...snapshots], columns);
      const bars = alignedReturns([...snapshots]);
      expect(values(again)).toEqual(values(bars));
      expect(again.dates).toEqual(bars.dates);
    }
  });

  it('ends the window where two symbols write one instant differently, on both paths', () => {
    const [first, second] = UNIVERSE.map((s) => loadBars(s));
    const a = new SymbolFeed(UNIVERSE[0] as string, 60);
    const b = new SymbolFeed(UNIVERSE[1] as string, 60);
    for (let day = 0; day < 40; day++) {
      a.push((first as ReturnType<typeof loadBars>)[day] as never);
      const bar = (second as ReturnType<typeof loadBars>)[day] as { ts: string };
      // Day 30 of the second symbol: the same instant without milliseconds ('…T00:00:00Z').
      b.push((day === 30 ? { ...bar, ts: bar.ts.replace('.000Z', 'Z') } : bar) as never);
    }
    const snapshots = [a.snapshot(), b.snapshot()];
    const fast = alignedReturns(snapshots, [a.historyColumns(), b.historyColumns()]);
    const slow = alignedReturns([...snapshots]);
    expect(fast.dates).toEqual(slow.dates);
    expect(values(fast)).toEqual(values(slow));
    // Days 31..39 match as strings: 9 bars, 8 returns.
    expect(fast.dates).toHaveLength(8);
  });
});
