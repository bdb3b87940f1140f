import { ManualClock } from '@ats/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CachedMarketData,
  dailyBarsCoverRange,
  FailoverMarketData,
  InMemoryBarStore,
  InMemorySharedCache,
  MalformedResponseError,
  YahooChartProvider,
} from '../src/index';
import { FakeProvider, fixture, json } from './fake-provider';

const JAN_3_TO_6 = { symbol: 'AAPL', timeframe: '1d', from: '2023-01-03', to: '2023-01-06' } as const;

describe('CachedMarketData tiers', () => {
  const fake = new FakeProvider(() => json('yahoo/chart-1d-AAPL.json'));
  const clock = new ManualClock('2023-01-07T12:00:00Z');
  let source: FailoverMarketData;

  beforeAll(async () => {
    const yahoo = new YahooChartProvider({ baseUrl: await fake.start(), clock, retry: { maxAttempts: 1 } });
    source = new FailoverMarketData({ providers: [yahoo], clock });
  });
  beforeEach(() => {
    clock.set('2023-01-07T12:00:00Z');
    fake.requests.length = 0;
    fake.setHandler(() => json('yahoo/chart-1d-AAPL.json'));
  });
  afterAll(() => fake.stop());

  it('answers the second request from L1 without calling the provider', async () => {
    const cache = new CachedMarketData({ source, clock });
    const first = await cache.getBars(JAN_3_TO_6);
    const second = await cache.getBars(JAN_3_TO_6);
    expect(first.cache).toBe('miss');
    expect(second).toEqual({ ...first, cache: 'l1' });
    expect(fake.requests).toHaveLength(1);
    expect(cache.cacheStats().l1).toEqual({ hits: 1, misses: 1 });
  });

  it('shares L2 between instances, and L3 answers closed ranges with empty L1 and L2', async () => {
    const shared = new InMemorySharedCache();
    const store = new InMemoryBarStore();
    const a = new CachedMarketData({ source, clock, shared, store });
    const b = new CachedMarketData({ source, clock, shared, store });
    expect((await a.getBars(JAN_3_TO_6)).cache).toBe('miss');
    expect((await b.getBars(JAN_3_TO_6)).cache).toBe('l2');
    expect(b.cacheStats().l2).toEqual({ hits: 1, misses: 0 });
    expect(store.size).toBe(4);

    const c = new CachedMarketData({ source, clock, store });
    const fromStore = await c.getBars({ ...JAN_3_TO_6, from: '2023-01-04' });
    expect(fromStore.cache).toBe('l3');
    expect(fromStore.provider).toBe('yahoo');
    expect(fromStore.bars.map((x) => x.ts.slice(0, 10))).toEqual(['2023-01-04', '2023-01-05', '2023-01-06']);
    expect(fake.requests).toHaveLength(1);
    expect(c.cacheStats().l3).toEqual({ hits: 1, misses: 0 });
  });

  it('does not use L3 for a range it only partly holds', async () => {
    const store = new InMemoryBarStore();
    await new CachedMarketData({ source, clock, store }).getBars(JAN_3_TO_6);
    const later = new CachedMarketData({ source, clock, store });
    expect((await later.getBars({ ...JAN_3_TO_6, from: '2022-12-01' })).cache).toBe('miss');
    expect(later.cacheStats().l3).toEqual({ hits: 0, misses: 1 });
    expect(fake.requests).toHaveLength(2);
  });

  it('never caches a failure or a bad reply, and recovers on the next call', async () => {
    fake.setHandler(() => ({ body: fixture('yahoo/chart-1d-AAPL.json').slice(0, 250) }));
    const shared = new InMemorySharedCache();
    const store = new InMemoryBarStore();
    const cache = new CachedMarketData({ source, clock, shared, store });
    const failure = await cache.getBars(JAN_3_TO_6).catch((e: unknown) => e);
    expect((failure as { failures: unknown[] }).failures[0]).toBeInstanceOf(MalformedResponseError);

    // Every row invalid: an empty answer is served but not cached.
    const reply = JSON.parse(fixture('yahoo/chart-1d-AAPL.json'));
    reply.chart.result[0].indicators.quote[0].close = [null, null, null, null];
    fake.setHandler(() => ({ body: JSON.stringify(reply) }));
    expect(await cache.getBars(JAN_3_TO_6)).toMatchObject({ bars: [], droppedRows: 4, cache: 'miss' });
    expect(shared.entries.size).toBe(0);
    expect(store.size).toBe(0);

    fake.setHandler(() => json('yahoo/chart-1d-AAPL.json'));
    expect((await cache.getBars(JAN_3_TO_6)).bars).toHaveLength(4);
    expect(fake.requests).toHaveLength(3);
  });

  it('treats a corrupt or invalid shared entry as a miss and overwrites it', async () => {
    const shared = new InMemorySharedCache();
    const writer = new CachedMarketData({ source, clock, shared });
    await writer.getBars(JAN_3_TO_6);
    const [key, text] = [...shared.entries][0] as [string, string];
    const poisoned = JSON.parse(text);
    poisoned.v.bars[0].high = 1; // high below low
    shared.entries.set(key, JSON.stringify(poisoned));
    const reader = new CachedMarketData({ source, clock, shared });
    const served = await reader.getBars(JAN_3_TO_6);
    expect(served.cache).toBe('miss');
    expect(served.bars[0]?.high).toBe(130.9);
    expect(JSON.parse(shared.entries.get(key) as string).v.bars[0].high).toBe(130.9);
  });

  it('expires open history after the history TTL and quotes after the quote TTL', async () => {
    const cache = new CachedMarketData({ source, clock, ttl: { historyMs: 3_600_000, quoteMs: 60_000 } });
    // 2023-01-06 is "today" in New York: the range is still open.
    clock.set('2023-01-06T18:00:00Z');
    await cache.getBars(JAN_3_TO_6);
    clock.set('2023-01-06T18:59:59Z');
    expect((await cache.getBars(JAN_3_TO_6)).cache).toBe('l1');
    clock.set('2023-01-06T19:00:01Z');
    expect((await cache.getBars(JAN_3_TO_6)).cache).toBe('miss');

    let quotes = 0;
    const quoting = new CachedMarketData({
      source: {
        getBars: () => Promise.reject(new Error('unused')),
        getNews: () => Promise.reject(new Error('unused')),
        getQuote: async (symbol) => {
          quotes += 1;
          return { symbol, price: 100 + quotes, ts: clock.now().toISOString(), provider: 'test' };
        },
      },
      clock,
    });
    expect((await quoting.getQuote('AAPL')).price).toBe(101);
    clock.set('2023-01-06T19:00:59Z');
    expect((await quoting.getQuote('AAPL')).price).toBe(101);
    clock.set('2023-01-06T19:01:02Z');
    expect((await quoting.getQuote('AAPL')).price).toBe(102);
  });

  it('makes concurrent misses for one key share a single provider call', async () => {
    const cache = new CachedMarketData({ source, clock });
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.getBars(JAN_3_TO_6)));
    expect(results.every((r) => r.bars.length === 4)).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('dailyBarsCoverRange', () => {
  const bar = (date: string) => ({ ts: `${date}T00:00:00.000Z` }) as never;
  it('accepts weekends and single holidays, rejects longer holes and missing edges', () => {
    // Good Friday 2023-04-07: Thursday to Monday.
    expect(dailyBarsCoverRange([bar('2023-04-06'), bar('2023-04-10')], '2023-04-06', '2023-04-10')).toBe(
      true,
    );
    expect(dailyBarsCoverRange([bar('2023-04-03'), bar('2023-04-10')], '2023-04-03', '2023-04-10')).toBe(
      false,
    );
    expect(dailyBarsCoverRange([bar('2023-04-10')], '2023-04-08', '2023-04-10')).toBe(true);
    expect(dailyBarsCoverRange([bar('2023-04-10')], '2023-03-30', '2023-04-10')).toBe(false);
    expect(dailyBarsCoverRange([bar('2023-04-03')], '2023-04-03', '2023-04-10')).toBe(false);
    expect(dailyBarsCoverRange([], '2023-04-03', '2023-04-04')).toBe(false);
  });
});
