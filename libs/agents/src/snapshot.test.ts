import type { NewsItem } from '@ats/contracts';
import { MarketSnapshotSchema } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import {
  barCloseTime,
  buildSnapshot,
  createIndicatorSet,
  SnapshotOutOfSyncError,
  SymbolFeed,
} from './snapshot';
import { loadBars } from './testing/market-fixtures';

const bars = loadBars('AAPL').slice(0, 700);

describe('buildSnapshot', () => {
  it('is a valid MarketSnapshot whose last history bar is bar t', () => {
    const snap = buildSnapshot('AAPL', bars.slice(0, 400));
    expect(MarketSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.history.at(-1)).toEqual(bars[399]);
    expect(snap.history).toHaveLength(260);
    expect(snap.price).toBe(bars[399]?.close);
    expect(snap.asOf).toBe(barCloseTime(bars[399] as (typeof bars)[number]));
    expect(snap.indicators.sma200).not.toBeNull();
  });

  it('never looks past its input: the snapshot at t is the same whatever comes after t', () => {
    const t = 450;
    const fromPrefix = buildSnapshot('AAPL', bars.slice(0, t + 1));
    const feed = new SymbolFeed('AAPL');
    for (const bar of bars.slice(0, t + 1)) feed.push(bar);
    const fromFeed = feed.snapshot();
    expect(fromFeed).toEqual(fromPrefix);
    // Perturb every bar after t: nothing at t may change.
    const tampered = bars.map((b, i) => (i > t ? { ...b, close: b.close * 3, high: b.high * 3 } : b));
    expect(buildSnapshot('AAPL', tampered.slice(0, t + 1))).toEqual(fromPrefix);
  });

  it('uses a caller-fed IndicatorSet and rejects one that is out of sync', () => {
    const set = createIndicatorSet();
    for (const bar of bars.slice(0, 300)) set.update(bar);
    const snap = buildSnapshot('AAPL', bars.slice(40, 300), set);
    expect(snap).toEqual(buildSnapshot('AAPL', bars.slice(0, 300)));
    expect(() => buildSnapshot('AAPL', bars.slice(0, 301), set)).toThrow(SnapshotOutOfSyncError);
  });

  it('keeps only news about the symbol published at or before asOf', () => {
    const asOf = barCloseTime(bars[99] as (typeof bars)[number]);
    const item = (id: string, publishedAt: string, symbols: string[]): NewsItem => ({
      id,
      source: 'test',
      publishedAt,
      title: id,
      summary: '',
      symbols,
    });
    const dayBefore = new Date(Date.parse(asOf) - 86_400_000).toISOString();
    const news = [
      item('before', dayBefore, ['AAPL']),
      item('at', asOf, ['AAPL']),
      item('after', new Date(Date.parse(asOf) + 1).toISOString(), ['AAPL']),
      item('other', dayBefore, ['MSFT']),
    ];
    const snap = buildSnapshot('AAPL', bars.slice(0, 100), undefined, { news });
    expect(snap.news.map((n) => n.id)).toEqual(['before', 'at']);
  });

  it('SymbolFeed refuses bars out of time order', () => {
    const feed = new SymbolFeed('AAPL');
    feed.push(bars[1] as (typeof bars)[number]);
    expect(() => feed.push(bars[0] as (typeof bars)[number])).toThrow(RangeError);
  });
});
