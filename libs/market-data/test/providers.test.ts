import { type Bar, BarSchema, ManualClock, NewsItemSchema } from '@ats/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AlphaVantageProvider,
  AuthError,
  MalformedResponseError,
  RateLimitedError,
  TwelveDataProvider,
  UnknownSymbolError,
  UpstreamDownError,
  YAHOO_DEFAULT_USER_AGENT,
  YahooChartProvider,
} from '../src/index';
import { FakeProvider, fixture, json } from './fake-provider';

const JAN_3_TO_6 = { symbol: 'AAPL', timeframe: '1d', from: '2023-01-03', to: '2023-01-06' } as const;
/** AAPL 2023-01-03..06 as every provider fixture has it: date, open, high, low, close, volume. */
const FIXTURE_WEEK = [
  ['2023-01-03', 130.28, 130.9, 124.17, 125.07, 112117500],
  ['2023-01-04', 126.89, 128.66, 125.08, 126.36, 89113600],
  ['2023-01-05', 127.13, 127.77, 124.76, 125.02, 80962700],
  ['2023-01-06', 126.01, 130.29, 124.89, 129.62, 87754700],
] as const;
/** `indicators.adjclose` of yahoo/chart-1d-AAPL.json (an illustrative back-adjustment factor, see fixtures/README). */
const YAHOO_ADJ_CLOSE = [123.1389, 124.409, 123.0897, 127.6187];
/** Saturday after the fixture week: every fixture bar is in the past. */
const clock = new ManualClock('2023-01-07T12:00:00Z');
const fastRetry = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 200 };

describe('the same trading days from every provider format', () => {
  const fakes = {
    alpha: new FakeProvider((r) =>
      json(
        r.query.get('function') === 'TIME_SERIES_DAILY_ADJUSTED'
          ? 'alpha-vantage/daily-adjusted-AAPL.json'
          : 'alpha-vantage/daily-AAPL.json',
      ),
    ),
    twelve: new FakeProvider(() => json('twelve-data/time-series-1day-AAPL.json')),
    yahoo: new FakeProvider(() => json('yahoo/chart-1d-AAPL.json')),
  };
  let alpha: AlphaVantageProvider;
  let twelve: TwelveDataProvider;
  let yahoo: YahooChartProvider;

  beforeAll(async () => {
    alpha = new AlphaVantageProvider({ apiKey: 'k', baseUrl: await fakes.alpha.start(), clock });
    twelve = new TwelveDataProvider({ apiKey: 'k', baseUrl: await fakes.twelve.start(), clock });
    yahoo = new YahooChartProvider({ baseUrl: await fakes.yahoo.start(), clock });
  });
  afterAll(async () => {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
  });

  it('normalises Alpha Vantage, Twelve Data and Yahoo replies to the same bars exactly', async () => {
    // The fixtures' four sessions, written out by hand; only Yahoo's reply carries an adjusted close.
    const expected = FIXTURE_WEEK.map(([date, open, high, low, close, volume]) => ({
      symbol: 'AAPL',
      timeframe: '1d',
      ts: `${date}T00:00:00.000Z`,
      open,
      high,
      low,
      close,
      volume,
      adjusted: false,
    }));
    for (const provider of [alpha, twelve]) {
      const batch = await provider.fetchBars(JAN_3_TO_6);
      expect(batch, provider.name).toEqual({ bars: expected, droppedRows: 0 });
    }
    const fromYahoo = await yahoo.fetchBars(JAN_3_TO_6);
    expect(fromYahoo).toEqual({
      bars: expected.map((bar, i) => ({ ...bar, adjClose: YAHOO_ADJ_CLOSE[i] })),
      droppedRows: 0,
    });
  });

  it('sends the documented request parameters', async () => {
    await alpha.fetchBars(JAN_3_TO_6);
    await twelve.fetchBars(JAN_3_TO_6);
    await yahoo.fetchBars(JAN_3_TO_6);
    const av = fakes.alpha.requests.at(-1);
    expect(av?.path).toBe('/query');
    expect(Object.fromEntries(av?.query ?? [])).toMatchObject({
      function: 'TIME_SERIES_DAILY',
      symbol: 'AAPL',
      outputsize: 'compact',
      apikey: 'k',
    });
    const td = fakes.twelve.requests.at(-1);
    expect(td?.path).toBe('/time_series');
    expect(Object.fromEntries(td?.query ?? [])).toMatchObject({
      symbol: 'AAPL',
      interval: '1day',
      start_date: '2023-01-03',
      end_date: '2023-01-07',
    });
    const yh = fakes.yahoo.requests.at(-1);
    expect(yh?.path).toBe('/v8/finance/chart/AAPL');
    // Yahoo refuses (429) clients without a browser-like User-Agent.
    expect(yh?.headers['user-agent']).toBe(YAHOO_DEFAULT_USER_AGENT);
    expect(Object.fromEntries(yh?.query ?? [])).toMatchObject({
      period1: String(Date.UTC(2023, 0, 3) / 1000),
      period2: String(Date.UTC(2023, 0, 7) / 1000),
      interval: '1d',
    });
  });

  it('scales Alpha Vantage adjusted and Yahoo adjclose series to the same adjusted bars', async () => {
    const fromAlpha = await alpha.fetchBars({ ...JAN_3_TO_6, adjusted: true });
    const fromYahoo = await yahoo.fetchBars({ ...JAN_3_TO_6, adjusted: true });
    expect(fakes.alpha.requests.at(-1)?.query.get('function')).toBe('TIME_SERIES_DAILY_ADJUSTED');
    expect(fromAlpha.bars).toEqual(fromYahoo.bars);
    const first = fromAlpha.bars[0] as Bar;
    expect(first.adjusted).toBe(true);
    // 2023-01-03: adjusted close 123.1389 (fixture) over close 125.07 scales the whole bar.
    expect(first.close).toBe(123.1389);
    expect(first.open).toBeCloseTo(130.28 * (123.1389 / 125.07), 6);
    expect(first.volume).toBe(112117500);
    for (const bar of fromAlpha.bars) expect(BarSchema.safeParse(bar).success).toBe(true);
    // Twelve Data has no adjusted close: its bars say so instead of pretending.
    expect((await twelve.fetchBars({ ...JAN_3_TO_6, adjusted: true })).bars.every((b) => !b.adjusted)).toBe(
      true,
    );
  });

  it('drops bars that open after the injected clock and counts them', async () => {
    const thursdayEvening = new ManualClock('2023-01-05T23:00:00Z');
    const early = new YahooChartProvider({ baseUrl: await fakes.yahoo.start(), clock: thursdayEvening });
    const batch = await early.fetchBars(JAN_3_TO_6);
    expect(batch.bars.map((b) => b.ts.slice(0, 10))).toEqual(['2023-01-03', '2023-01-04', '2023-01-05']);
    expect(batch.droppedRows).toBe(1);
  });
});

describe('Alpha Vantage specifics', () => {
  const fake = new FakeProvider(() => json('alpha-vantage/daily-AAPL.json'));
  let alpha: AlphaVantageProvider;
  beforeAll(async () => {
    alpha = new AlphaVantageProvider({ apiKey: 'k', baseUrl: await fake.start(), clock, retry: fastRetry });
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  afterAll(() => fake.stop());

  it('reads intraday wall-clock times in the Meta Data time zone (US/Eastern) as UTC bar opens', async () => {
    fake.setHandler(() => json('alpha-vantage/intraday-5min-AAPL.json'));
    const batch = await alpha.fetchBars({
      symbol: 'AAPL',
      timeframe: '5m',
      from: '2023-01-03',
      to: '2023-01-03',
    });
    expect(fake.requests[0]?.query.get('interval')).toBe('5min');
    expect(batch.bars.map((b) => b.ts)).toEqual([
      '2023-01-03T14:30:00.000Z',
      '2023-01-03T14:35:00.000Z',
      '2023-01-03T14:40:00.000Z',
    ]);
  });

  it.each([
    ['alpha-vantage/note-rate-limit.json', RateLimitedError],
    ['alpha-vantage/information-rate-limit.json', RateLimitedError],
    ['alpha-vantage/information-premium.json', AuthError],
    ['alpha-vantage/error-apikey.json', AuthError],
    ['alpha-vantage/error-unknown-symbol.json', UnknownSymbolError],
  ])('classifies the HTTP 200 body %s without retrying', async (path, errorClass) => {
    fake.setHandler(() => json(path));
    const failure = await alpha.fetchBars(JAN_3_TO_6).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errorClass);
    expect(failure).toMatchObject({ provider: 'alpha-vantage' });
    expect(fake.requests).toHaveLength(1);
  });

  it('turns GLOBAL_QUOTE into a contract quote stamped at that session close', async () => {
    fake.setHandler(() => json('alpha-vantage/global-quote-AAPL.json'));
    expect(await alpha.fetchQuote('aapl')).toEqual({
      symbol: 'AAPL',
      price: 129.62,
      volume: 87754700,
      change: 4.6,
      changePercent: 3.6794,
      ts: '2023-01-06T21:00:00.000Z',
      provider: 'alpha-vantage',
    });
    fake.setHandler(() => json('alpha-vantage/global-quote-unknown.json'));
    await expect(alpha.fetchQuote('ZZZZ')).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it('reads NEWS_SENTIMENT articles, keeping only valid ones and real tickers', async () => {
    fake.setHandler(() => json('alpha-vantage/news-sentiment-AAPL.json'));
    const items = await alpha.fetchNews({ symbols: ['AAPL'], from: '2023-01-01T00:00:00Z', limit: 10 });
    expect(fake.requests[0]?.query.get('tickers')).toBe('AAPL');
    expect(fake.requests[0]?.query.get('time_from')).toBe('20230101T0000');
    expect(items).toHaveLength(1);
    expect(NewsItemSchema.parse(items[0])).toMatchObject({
      publishedAt: '2023-01-06T15:30:00.000Z',
      symbols: ['AAPL'],
      providerSentiment: 0.284512,
      source: 'Example Wire',
    });
  });
});

describe('Twelve Data and Yahoo error bodies', () => {
  const twelveFake = new FakeProvider(() => json('twelve-data/error-symbol-not-found.json'));
  const yahooFake = new FakeProvider(() => json('yahoo/chart-not-found.json', 404));
  let twelve: TwelveDataProvider;
  let yahoo: YahooChartProvider;
  beforeAll(async () => {
    twelve = new TwelveDataProvider({
      apiKey: 'k',
      baseUrl: await twelveFake.start(),
      clock,
      retry: fastRetry,
    });
    yahoo = new YahooChartProvider({ baseUrl: await yahooFake.start(), clock, retry: fastRetry });
  });
  afterAll(async () => {
    await twelveFake.stop();
    await yahooFake.stop();
  });

  it.each([
    ['twelve-data/error-symbol-not-found.json', UnknownSymbolError],
    ['twelve-data/error-rate-limit.json', RateLimitedError],
    ['twelve-data/error-apikey.json', AuthError],
  ])('classifies the Twelve Data body %s', async (path, errorClass) => {
    twelveFake.setHandler(() => json(path));
    await expect(twelve.fetchBars(JAN_3_TO_6)).rejects.toBeInstanceOf(errorClass);
  });

  it('answers "no data on these dates" with an empty batch, not an error', async () => {
    twelveFake.setHandler(() => json('twelve-data/error-no-data.json'));
    expect(await twelve.fetchBars(JAN_3_TO_6)).toEqual({ bars: [], droppedRows: 0 });
  });

  it('reads the Twelve Data quote', async () => {
    twelveFake.setHandler(() => json('twelve-data/quote-AAPL.json'));
    expect(await twelve.fetchQuote('AAPL')).toMatchObject({
      price: 129.62,
      changePercent: 3.67941,
      ts: '2023-01-06T21:00:00.000Z',
    });
  });

  it('treats Yahoo 404 chart.error as an unknown symbol and a range without timestamps as no bars', async () => {
    await expect(yahoo.fetchBars({ ...JAN_3_TO_6, symbol: 'ZZZZ' })).rejects.toBeInstanceOf(
      UnknownSymbolError,
    );
    yahooFake.setHandler(() => json('yahoo/chart-empty-range.json'));
    expect(await yahoo.fetchBars(JAN_3_TO_6)).toEqual({ bars: [], droppedRows: 0 });
  });

  it('rejects bad rows inside an otherwise good Yahoo reply and counts them', async () => {
    const reply = JSON.parse(fixture('yahoo/chart-1d-AAPL.json'));
    const quote = reply.chart.result[0].indicators.quote[0];
    quote.close[1] = null; // NaN
    quote.high[2] = 100; // high below low
    quote.volume[3] = -1; // negative volume
    yahooFake.setHandler(() => ({ body: JSON.stringify(reply) }));
    const batch = await yahoo.fetchBars(JAN_3_TO_6);
    expect(batch.droppedRows).toBe(3);
    expect(batch.bars.map((b) => b.ts.slice(0, 10))).toEqual(['2023-01-03']);
  });
});

describe('transport failures, timeouts and retries', () => {
  const fake = new FakeProvider(() => json('yahoo/chart-1d-AAPL.json'));
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await fake.start();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  afterAll(() => fake.stop());

  const provider = (timeoutMs = 2_000) =>
    new YahooChartProvider({ baseUrl, clock, timeoutMs, retry: fastRetry });

  it('retries 500s with backoff and succeeds when the provider recovers', async () => {
    fake.setHandler(() =>
      fake.requests.length <= 2 ? { status: 500, body: 'oops' } : json('yahoo/chart-1d-AAPL.json'),
    );
    expect((await provider().fetchBars(JAN_3_TO_6)).bars).toHaveLength(4);
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after the bounded number of attempts with UpstreamDownError', async () => {
    fake.setHandler(() => ({
      status: 502,
      body: fixture('html-error-page.html'),
      headers: { 'content-type': 'text/html' },
    }));
    const failure = await provider()
      .fetchBars(JAN_3_TO_6)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamDownError);
    expect((failure as UpstreamDownError).status).toBe(502);
    expect(fake.requests).toHaveLength(3);
  });

  it('honours a short Retry-After on 503 and refuses to stall on a long one', async () => {
    fake.setHandler(() =>
      fake.requests.length === 1
        ? { status: 503, headers: { 'retry-after': '0.15' } }
        : json('yahoo/chart-1d-AAPL.json'),
    );
    await provider().fetchBars(JAN_3_TO_6);
    const [first, second] = fake.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(140);

    fake.requests.length = 0;
    fake.setHandler(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    await expect(provider().fetchBars(JAN_3_TO_6)).rejects.toBeInstanceOf(UpstreamDownError);
    expect(fake.requests).toHaveLength(1);
  });

  it('reports 429 as RateLimitedError with the Retry-After, without retrying', async () => {
    fake.setHandler(() => ({ status: 429, headers: { 'retry-after': '30' }, body: 'Too Many Requests' }));
    const failure = await provider()
      .fetchBars(JAN_3_TO_6)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RateLimitedError);
    expect((failure as RateLimitedError).retryAfterMs).toBe(30_000);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out slow replies and retries them', async () => {
    fake.setHandler(() => ({ ...json('yahoo/chart-1d-AAPL.json'), delayMs: 400 }));
    const started = performance.now();
    const failure = await provider(100)
      .fetchBars(JAN_3_TO_6)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamDownError);
    expect((failure as Error).message).toMatch(/no answer within 100 ms/);
    expect(fake.requests).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects an HTML page and truncated JSON sent with 200 as malformed, without retrying', async () => {
    fake.setHandler(() => ({
      body: fixture('html-error-page.html'),
      headers: { 'content-type': 'text/html' },
    }));
    await expect(provider().fetchBars(JAN_3_TO_6)).rejects.toBeInstanceOf(MalformedResponseError);
    fake.setHandler(() => ({ body: fixture('yahoo/chart-1d-AAPL.json').slice(0, 300) }));
    await expect(provider().fetchBars(JAN_3_TO_6)).rejects.toBeInstanceOf(MalformedResponseError);
    expect(fake.requests).toHaveLength(2);
  });

  it('treats a connection cut mid-body as the provider being down', async () => {
    fake.setHandler(() => ({
      ...json('yahoo/chart-1d-AAPL.json'),
      headers: { 'content-length': '5000' },
      truncateAfterBytes: 200,
    }));
    await expect(provider().fetchBars(JAN_3_TO_6)).rejects.toBeInstanceOf(UpstreamDownError);
    expect(fake.requests).toHaveLength(3);
  });
});

describe('rate limiting under a burst', () => {
  const fake = new FakeProvider(() => json('yahoo/chart-1d-AAPL.json'));
  afterAll(() => fake.stop());

  it('never lets 100 concurrent requests exceed the budget at the server, and drops none', async () => {
    const limit = 25;
    const windowMs = 400;
    const yahoo = new YahooChartProvider({
      baseUrl: await fake.start(),
      clock,
      windows: [{ limit, windowMs }],
    });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 100 }, () => yahoo.fetchBars(JAN_3_TO_6)));
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.bars.length === 4)).toBe(true);
    expect(fake.requests).toHaveLength(100);
    // Slots count from each request's completion, so even the full window holds at the server's end.
    const arrivals = fake.requests.map((r) => r.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0; i < arrivals.length; i += 1) {
      const inWindow = arrivals.filter(
        (t) => t >= (arrivals[i] as number) && t < (arrivals[i] as number) + windowMs,
      );
      busiest = Math.max(busiest, inWindow.length);
    }
    expect(busiest).toBeLessThanOrEqual(limit);
    // 100 requests at 25 per 400 ms need at least three full windows after the first burst.
    expect(elapsed).toBeGreaterThanOrEqual(3 * windowMs);
  });
});
