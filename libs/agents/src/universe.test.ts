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

  it('gives the Bar path window every day, asked each day as a cycle does (the walk resumes from the last one)', () => {
    const feeds = UNIVERSE.map((s) => new SymbolFeed(s, 60));
    const bars = UNIVERSE.map((s) => loadBars(s));
    let windows = 0;
    for (let day = 0; day < 300; day++) {
      feeds.forEach((feed, i) => {
        const bar = (bars[i] as ReturnType<typeof loadBars>)[day] as { ts: string };
        // Gaps in one symbol, and on some days another writes the same instant without milliseconds.
        if (i === 2 && day % 41 === 20) return;
        feed.push((i === 1 && day % 53 === 30 ? { ...bar, ts: bar.ts.replace('.000Z', 'Z') } : bar) as never);
      });
      const snapshots = feeds.map((f) => f.snapshot());
      const columns = feeds.map((f) => f.historyColumns());
      // The whole universe on even days; on odd days subsets with the same first symbol, so the walk of a pair resumes
      // from one cut short by another symbol's gap the day before (a lower bound, not the run's length).
      const all = snapshots.map((_, i) => i);
      for (const pick of day % 2 === 0
        ? [all, [0, 2, 3]]
        : [
            [0, 3],
            [0, 2, 3],
          ]) {
        const fast = alignedReturns(
          pick.map((i) => snapshots[i] as MarketSnapshot),
          pick.map((i) => columns[i]),
        );
        const slow = alignedReturns(pick.map((i) => snapshots[i] as MarketSnapshot));
        expect(fast.dates, `day ${day}`).toEqual(slow.dates);
        expect(values(fast)).toEqual(values(slow));
        windows += fast.dates.length;
      }
    }
    // Windows of every length were compared, not only empty ones.
    expect(windows).toBeGreaterThan(300 * 40);
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
