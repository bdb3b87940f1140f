import { describe, expect, it } from 'vitest';
import { InvalidFeedError } from './errors';
import { BarFeed } from './feed';
import { randomWalkFeed } from './random-walk';
import { barsOf, flat } from './test-support';

describe('BarFeed', () => {
  it('merges symbols onto the union of their timestamps, events in symbol order', () => {
    const a = barsOf('AAA', flat([1, 2, 3]));
    const b = barsOf('BBB', flat([10, 11])).map((bar, i) => ({ ...bar, ts: a[i + 1]?.ts as string }));
    const feed = BarFeed.fromBars({ BBB: b, AAA: a });
    expect(feed.symbols).toEqual(['AAA', 'BBB']);
    expect(feed.timestamps).toEqual(a.map((x) => x.ts));
    expect([...feed.eventStart]).toEqual([0, 1, 3, 5]);
    expect([...feed.eventSymbol]).toEqual([0, 0, 1, 0, 1]);
    expect([...feed.eventBar]).toEqual([0, 1, 0, 2, 1]);
    expect(feed.barCount).toBe(5);
  });

  it('refuses to mix adjusted and unadjusted prices', () => {
    const a = barsOf('AAA', flat([1, 2]));
    const b = barsOf('BBB', flat([1, 2])).map((bar) => ({ ...bar, adjusted: true }));
    expect(() => BarFeed.fromBars({ AAA: a, BBB: b })).toThrow(/adjusted/);
  });

  it('refuses unsorted or duplicated timestamps', () => {
    const a = barsOf('AAA', flat([1, 2]));
    expect(() => BarFeed.fromBars({ AAA: [a[1], a[0]] as typeof a })).toThrow(InvalidFeedError);
    expect(() => BarFeed.fromBars({ AAA: [a[0], a[0]] as typeof a })).toThrow(InvalidFeedError);
  });

  it('generates the same random-walk universe for the same seed, and a different one for another seed', () => {
    const one = randomWalkFeed({ symbols: 3, days: 50, seed: 7 });
    const two = randomWalkFeed({ symbols: 3, days: 50, seed: 7 });
    const other = randomWalkFeed({ symbols: 3, days: 50, seed: 8 });
    expect([...(one.series[2]?.close ?? [])]).toEqual([...(two.series[2]?.close ?? [])]);
    expect(one.series[2]?.close[49]).not.toBe(other.series[2]?.close[49]);
    const s = one.series[0];
    for (let i = 0; i < 50; i++) {
      expect(s?.high[i]).toBeGreaterThanOrEqual(Math.max(s?.open[i] as number, s?.close[i] as number));
      expect(s?.low[i]).toBeLessThanOrEqual(Math.min(s?.open[i] as number, s?.close[i] as number));
    }
  });
});
