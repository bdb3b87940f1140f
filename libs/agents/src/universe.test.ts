import type { MarketSnapshot } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { type HistoryColumns, SymbolFeed } from './snapshot';
import { loadBars, UNIVERSE } from './testing/market-fixtures';
import { alignedReturns } from './universe';

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
      expect(fast.returns).toEqual(slow.returns);
      expect(fast.dates).toEqual(slow.dates);
      expect(fast.symbols).toEqual(slow.symbols);
    }
    // Snapshots stay valid after later pushes and trims of the feeds (new arrays: no memo).
    for (const { snapshots, columns } of taken) {
      const again = alignedReturns([...snapshots], columns);
      const bars = alignedReturns([...snapshots]);
      expect(again.returns).toEqual(bars.returns);
      expect(again.dates).toEqual(bars.dates);
    }
  });
});
