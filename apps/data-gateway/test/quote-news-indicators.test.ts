import type { NatsBus } from '@ats/bus';
import { IndicatorMessages, Messages } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { testRequestTimeoutMs, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAlphaVantage } from './fake-alpha-vantage';
import {
  connectTestBus,
  type GatewayInstance,
  openPrisma,
  startGatewayInstance,
  testSubjects,
} from './harness';

const fake = new FakeAlphaVantage((query) => {
  const fn = query.get('function');
  if (fn === 'GLOBAL_QUOTE') return { fixture: 'global-quote-AAPL.json' };
  if (fn === 'NEWS_SENTIMENT') return { fixture: 'news-sentiment-AAPL.json' };
  return { fixture: 'note-rate-limit.json' };
});
const online = testSubjects();
const offline = testSubjects();
let prisma: PrismaClient;
let client: NatsBus;
let onlineGateway: GatewayInstance;
let offlineGateway: GatewayInstance;

beforeAll(async () => {
  prisma = openPrisma();
  client = await connectTestBus('data-gateway-client');
  onlineGateway = await startGatewayInstance({
    subjects: online,
    bucket: uniqueName('md_cache'),
    prisma,
    env: {
      DATA__PROVIDERS: 'alpha-vantage,local',
      ALPHA_VANTAGE_API_KEY: 'test-key',
      DATA__ALPHA_VANTAGE_BASE_URL: await fake.start(),
    },
  });
  offlineGateway = await startGatewayInstance({ subjects: offline, bucket: uniqueName('md_cache'), prisma });
});
afterAll(async () => {
  for (const instance of [onlineGateway, offlineGateway]) {
    await instance?.chain.sharedCache?.destroy();
    await instance?.stop();
  }
  await fake.stop();
  await client?.close();
  await prisma?.$disconnect();
});

const options = { timeoutMs: testRequestTimeoutMs() };

describe('quotes', () => {
  it('answers from Alpha Vantage GLOBAL_QUOTE and caches it for the quote TTL', async () => {
    const quote = () =>
      client.request(online.quote, Messages.quoteRequest, Messages.quote, { symbol: 'AAPL' }, options);
    const first = await quote();
    expect(first).toEqual({
      ok: true,
      data: {
        symbol: 'AAPL',
        price: 129.62,
        volume: 87_754_700,
        change: 4.6,
        changePercent: 3.6794,
        // Latest trading day 2023-01-06, priced at its 16:00 New York close.
        ts: '2023-01-06T21:00:00.000Z',
        provider: 'alpha-vantage',
      },
    });
    expect(await quote()).toEqual(first);
    expect(fake.calls('GLOBAL_QUOTE')).toBe(1);
  });

  it('says no provider serves quotes when only the bundled CSV is configured', async () => {
    const reply = await client.request(
      offline.quote,
      Messages.quoteRequest,
      Messages.quote,
      { symbol: 'AAPL' },
      options,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!reply.ok) expect(reply.error.message).toContain('serves no quotes');
  });
});

describe('news', () => {
  it('answers from Alpha Vantage NEWS_SENTIMENT, keeping only valid articles and tickers', async () => {
    const reply = await client.request(
      online.news,
      Messages.newsRequest,
      Messages.newsResponse,
      { symbols: ['AAPL'], limit: 10 },
      options,
    );
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data.provider).toBe('alpha-vantage');
    // The fixture's second article has no title: dropped. FOREX:USD is not a ticker: dropped.
    expect(reply.data.items).toEqual([
      expect.objectContaining({
        title: 'Apple shares rise as iPhone demand worries ease',
        publishedAt: '2023-01-06T15:30:00.000Z',
        symbols: ['AAPL'],
        providerSentiment: 0.284512,
      }),
    ]);
    expect(fake.requests.at(-1)?.get('tickers')).toBe('AAPL');
  });
});

describe('indicators as of a date', () => {
  const indicators = (payload: { symbol: string; asOf: string; lookbackDays?: number }) =>
    client.request(
      offline.indicators,
      IndicatorMessages.indicatorsRequest,
      IndicatorMessages.indicatorsResponse,
      payload,
      options,
    );

  it('computes the snapshot on the bars up to the date only', async () => {
    const reply = await indicators({ symbol: 'AAPL', asOf: '2023-06-30' });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const { data } = reply;
    // Default window: 400 calendar days back.
    const window = await new LocalCsvProvider().loadBars('AAPL', { from: '2022-05-26', to: '2023-06-30' });
    const closes = window.map((bar) => bar.close);
    const sma = (n: number) => closes.slice(-n).reduce((sum, c) => sum + c, 0) / n;
    expect(data).toMatchObject({ from: '2022-05-26', provider: 'local-csv', bars: window.length });
    expect(data.bars).toBe(275);
    expect(data.snapshot.ts).toBe('2023-06-30T00:00:00.000Z');
    expect(data.snapshot.close).toBe(193.970001); // AAPL.csv 2023-06-30, the source's 6-decimal close
    expect(data.snapshot.sma['20']).toBeCloseTo(sma(20), 9);
    expect(data.snapshot.sma['200']).toBeCloseTo(sma(200), 9);
    expect(data.snapshot.rsi).toBeGreaterThan(50);
    expect(data.snapshot.rsi).toBeLessThan(100);

    // A weekend date sees Friday's close, not Monday's bar.
    const weekend = await indicators({ symbol: 'AAPL', asOf: '2023-07-02' });
    expect(weekend.ok && weekend.data.snapshot.ts).toBe('2023-06-30T00:00:00.000Z');
    const monday = await indicators({ symbol: 'AAPL', asOf: '2023-07-03' });
    expect(monday.ok && monday.data.snapshot.ts).toBe('2023-07-03T00:00:00.000Z');
    // Day after day, as an agent replaying asks: each day's own bar is in (Postgres holds the earlier ones).
    for (const day of ['2023-07-05', '2023-07-06', '2023-07-07', '2023-07-10', '2023-07-11']) {
      const reply = await indicators({ symbol: 'AAPL', asOf: day });
      expect(reply.ok && reply.data.snapshot.ts, day).toBe(`${day}T00:00:00.000Z`);
    }
  });

  it('answers a repeated request from the cache', async () => {
    const before = offlineGateway.chain.cached.cacheStats().l1.hits;
    const first = await indicators({ symbol: 'MSFT', asOf: '2022-12-30', lookbackDays: 120 });
    const second = await indicators({ symbol: 'MSFT', asOf: '2022-12-30', lookbackDays: 120 });
    expect(second).toEqual(first);
    expect(offlineGateway.chain.cached.cacheStats().l1.hits).toBe(before + 1);
  });

  it('answers not_found for an unknown symbol and for a date before the data starts', async () => {
    expect(await indicators({ symbol: 'ZZZZ', asOf: '2023-06-30' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await indicators({ symbol: 'AAPL', asOf: '2001-06-29', lookbackDays: 60 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
