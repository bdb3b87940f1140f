import { randomUUID } from 'node:crypto';
import { ManualClock } from '@ats/contracts';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedMarketData, FailoverMarketData, NatsKvCache, YahooChartProvider } from '../src/index';
import { FakeProvider, json } from './fake-provider';

const NATS_URL = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
const RUN_ID = process.env.ATS_TEST_RUN_ID ?? randomUUID().slice(0, 8);
const JAN_3_TO_6 = { symbol: 'AAPL', timeframe: '1d', from: '2023-01-03', to: '2023-01-06' } as const;

describe('L2 on a real NATS JetStream KV bucket', () => {
  const fake = new FakeProvider(() => json('yahoo/chart-1d-AAPL.json'));
  const clock = new ManualClock('2023-01-07T12:00:00Z');
  const bucket = `md_cache_test_${RUN_ID}_${randomUUID().slice(0, 6)}`;
  let ncA: NatsConnection;
  let ncB: NatsConnection;
  let kvA: NatsKvCache;
  let kvB: NatsKvCache;
  let source: FailoverMarketData;

  beforeAll(async () => {
    ncA = await connect({ servers: NATS_URL });
    ncB = await connect({ servers: NATS_URL });
    kvA = await NatsKvCache.open(ncA, { bucket, ttlMs: 3_600_000 });
    // The second instance binds to the bucket the first one created.
    kvB = await NatsKvCache.open(ncB, { bucket, ttlMs: 3_600_000 });
    const yahoo = new YahooChartProvider({ baseUrl: await fake.start(), clock });
    source = new FailoverMarketData({ providers: [yahoo], clock });
  });
  afterAll(async () => {
    await kvA?.destroy();
    await ncA?.close();
    await ncB?.close();
    await fake.stop();
  });

  it('lets a second gateway instance answer from the bucket the first one filled', async () => {
    const a = new CachedMarketData({ source, clock, shared: kvA });
    const b = new CachedMarketData({ source, clock, shared: kvB });
    const first = await a.getBars(JAN_3_TO_6);
    const second = await b.getBars(JAN_3_TO_6);
    expect(first.cache).toBe('miss');
    expect(second).toEqual({ ...first, cache: 'l2' });
    expect(fake.requests).toHaveLength(1);
    expect(b.cacheStats()).toEqual({
      l1: { hits: 0, misses: 1 },
      l2: { hits: 1, misses: 0 },
      l3: { hits: 0, misses: 0 },
    });
    // Then B's own L1 answers.
    expect((await b.getBars(JAN_3_TO_6)).cache).toBe('l1');
  });

  it('stores entries under KV-safe keys and honours a TTL shorter than the bucket', async () => {
    await kvA.set('news.AAPL.2023-01-01T00:00:00Z', 'x');
    expect(await kvB.get('news.AAPL.2023-01-01T00:00:00Z')).toBe('x');
    await kvA.delete('news.AAPL.2023-01-01T00:00:00Z');
    expect(await kvB.get('news.AAPL.2023-01-01T00:00:00Z')).toBeUndefined();

    let quotes = 0;
    const quoting = {
      getBars: () => Promise.reject(new Error('unused')),
      getNews: () => Promise.reject(new Error('unused')),
      getQuote: async (symbol: string) => {
        quotes += 1;
        return { symbol, price: 100 + quotes, ts: clock.now().toISOString(), provider: 'test' };
      },
    };
    const a = new CachedMarketData({ source: quoting, clock, shared: kvA, ttl: { quoteMs: 60_000 } });
    const b = new CachedMarketData({ source: quoting, clock, shared: kvB, ttl: { quoteMs: 60_000 } });
    expect((await a.getQuote('MSFT')).price).toBe(101);
    expect((await b.getQuote('MSFT')).price).toBe(101);
    clock.set('2023-01-07T12:01:01Z');
    const fresh = new CachedMarketData({ source: quoting, clock, shared: kvB, ttl: { quoteMs: 60_000 } });
    expect((await fresh.getQuote('MSFT')).price).toBe(102);
  });
});
