import {
  DatedNewsItemSchema,
  InsiderTransactionSchema,
  InstitutionalHoldingSchema,
  ManualClock,
  MarketMoodReadingSchema,
  SocialPostSchema,
} from '@ats/contracts';
import { AuthError, MalformedResponseError, RateLimitedError, UnknownSymbolError } from '@ats/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlphaVantageNewsProvider,
  acceptedAt,
  CNN_BROWSER_USER_AGENT,
  CnnFearGreedProvider,
  FinnhubNewsProvider,
  Sec13fProvider,
  SecEdgarClient,
  SecForm4Provider,
  StocktwitsProvider,
} from '../src/index';
import { FakeHttpServer, fixture, json, notFound, xml } from './fake-http';

const QUERY = {
  symbol: 'AAPL',
  from: new Date('2023-06-08T15:00:00Z'),
  to: new Date('2023-06-15T15:00:00Z'),
};
const noRetry = { maxAttempts: 1 };

describe('Finnhub company news', () => {
  const fake = new FakeHttpServer(() => json('finnhub/company-news-AAPL.json'));
  let provider: FinnhubNewsProvider;
  beforeAll(async () => {
    provider = new FinnhubNewsProvider({
      apiKey: 'finnhub-secret-key',
      baseUrl: await fake.start(),
      retry: noRetry,
    });
  });
  afterAll(() => fake.stop());

  it('asks for the symbol and window and reads each article as published at its datetime', async () => {
    fake.handler = () => json('finnhub/company-news-AAPL.json');
    const items = await provider.fetch(QUERY);
    const request = fake.requests.at(-1);
    expect(request?.path).toBe('/api/v1/company-news');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({
      symbol: 'AAPL',
      from: '2023-06-08',
      to: '2023-06-15',
      token: 'finnhub-secret-key',
    });
    expect(items.map((n) => [n.id, n.publishedAt, n.availableAt, n.publisher])).toEqual([
      ['finnhub-121500003', '2023-06-15T15:30:00.000Z', '2023-06-15T15:30:00.000Z', 'Reuters'],
      ['finnhub-121500002', '2023-06-14T20:05:00.000Z', '2023-06-14T20:05:00.000Z', 'MarketWatch'],
      ['finnhub-121500001', '2023-06-12T13:05:00.000Z', '2023-06-12T13:05:00.000Z', 'Yahoo'],
    ]);
    for (const item of items) expect(DatedNewsItemSchema.parse(item)).toEqual(item);
    expect(items[0]).toMatchObject({ source: 'finnhub', symbols: ['AAPL'], timePrecision: 'second' });
  });

  it('maps a refused key to an auth error that does not carry the key', async () => {
    fake.handler = () => json('finnhub/error-invalid-key.json', 401);
    const error = await provider.fetch(QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('Invalid API key');
    expect((error as Error).message).not.toContain('finnhub-secret-key');
  });

  it('maps HTTP 429 to rate-limited and a body of the wrong shape to a malformed-response error', async () => {
    fake.handler = () => ({ status: 429, body: '{"error":"API limit reached. Please try again later."}' });
    await expect(provider.fetch(QUERY)).rejects.toBeInstanceOf(RateLimitedError);
    fake.handler = () => ({ body: '{"headline":"not an array"}' });
    const error = await provider.fetch(QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/documented shape/);
    fake.handler = () => ({ body: '[{"headline": "cut off' });
    await expect(provider.fetch(QUERY)).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('Alpha Vantage NEWS_SENTIMENT, through market-data', () => {
  const fake = new FakeHttpServer(() => json('alpha-vantage/news-sentiment-AAPL.json'));
  afterAll(() => fake.stop());

  it('counts each article from time_published and keeps the publisher and Alpha Vantage score', async () => {
    const provider = new AlphaVantageNewsProvider({
      apiKey: 'av-key',
      baseUrl: await fake.start(),
      clock: new ManualClock('2023-06-15T16:00:00Z'),
    });
    const items = await provider.fetch(QUERY);
    expect(fake.requests.at(-1)?.query.get('function')).toBe('NEWS_SENTIMENT');
    expect(fake.requests.at(-1)?.query.get('tickers')).toBe('AAPL');
    expect(items.map((n) => [n.title, n.availableAt, n.publisher, n.providerSentiment, n.symbols])).toEqual([
      ["Apple's Services Revenue Keeps Climbing", '2023-06-15T12:00:00.000Z', 'Motley Fool', 0.31, ['AAPL']],
      ['Tech Stocks Slip As Yields Rise', '2023-06-13T18:30:00.000Z', 'Benzinga', -0.2, ['AAPL', 'MSFT']],
    ]);
    for (const item of items) expect(DatedNewsItemSchema.parse(item)).toEqual(item);
    expect(items.every((n) => n.source === 'alpha-vantage')).toBe(true);
  });
});

describe('StockTwits symbol stream', () => {
  const fake = new FakeHttpServer(() => json('stocktwits/stream-AAPL.json'));
  let provider: StocktwitsProvider;
  beforeAll(async () => {
    provider = new StocktwitsProvider({ baseUrl: await fake.start(), retry: noRetry });
  });
  afterAll(() => fake.stop());

  it("reads each message with the author's Bullish/Bearish tag as +1/-1", async () => {
    fake.handler = () => json('stocktwits/stream-AAPL.json');
    const posts = await provider.fetch(QUERY);
    expect(fake.requests.at(-1)?.path).toBe('/api/2/streams/symbol/AAPL.json');
    expect(posts.map((p) => [p.id, p.availableAt, p.authorSentiment, p.authorFollowers, p.symbols])).toEqual([
      ['stocktwits-530000003', '2023-06-15T14:45:10.000Z', 1, 1520, ['AAPL']],
      ['stocktwits-530000002', '2023-06-15T13:40:00.000Z', -1, 45, ['AAPL', 'MSFT']],
      ['stocktwits-530000001', '2023-06-14T17:00:00.000Z', undefined, 0, ['AAPL']],
    ]);
    for (const post of posts) expect(SocialPostSchema.parse(post)).toEqual(post);
  });

  it('maps an unknown symbol to UnknownSymbolError and a wrong shape to a malformed response', async () => {
    fake.handler = () => json('stocktwits/symbol-not-found.json', 404);
    await expect(provider.fetch({ ...QUERY, symbol: 'ZZZZ' })).rejects.toBeInstanceOf(UnknownSymbolError);
    fake.handler = () => ({ body: '{"response":{"status":200},"messages":"none"}' });
    await expect(provider.fetch(QUERY)).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe('CNN Fear & Greed graph data', () => {
  const fake = new FakeHttpServer(() => json('cnn/graphdata-2023-06-05.json'));
  let provider: CnnFearGreedProvider;
  beforeAll(async () => {
    provider = new CnnFearGreedProvider({ baseUrl: await fake.start(), retry: noRetry });
  });
  afterAll(() => fake.stop());

  it('sends a browser User-Agent and counts the reading of day D from the next session open', async () => {
    fake.handler = () => json('cnn/graphdata-2023-06-05.json');
    const readings = await provider.fetch({
      symbol: undefined,
      from: new Date('2023-06-05T15:00:00Z'),
      to: QUERY.to,
    });
    expect(fake.requests.at(-1)?.path).toBe('/index/fearandgreed/graphdata/2023-06-05');
    expect(fake.requests.at(-1)?.headers['user-agent']).toBe(CNN_BROWSER_USER_AGENT);
    expect(readings.map((r) => [r.date, r.availableAt, r.value])).toEqual([
      ['2023-06-09', '2023-06-12T13:30:00.000Z', 77.2], // Friday -> Monday 09:30 EDT
      ['2023-06-12', '2023-06-13T13:30:00.000Z', 80.1],
      ['2023-06-13', '2023-06-14T13:30:00.000Z', 79.5],
      ['2023-06-14', '2023-06-15T13:30:00.000Z', 79.1],
      ['2023-06-15', '2023-06-16T13:30:00.000Z', 78.4], // today's intraday value: not before tomorrow's open
    ]);
    for (const reading of readings) expect(MarketMoodReadingSchema.parse(reading)).toEqual(reading);
    expect(readings[0]).toMatchObject({ source: 'cnn', rating: 'extreme greed' });
  });

  it("maps CNN's answer to scripts (HTTP 418) and an HTML page to clear errors", async () => {
    fake.handler = () => ({ status: 418, contentType: 'text/plain', body: "I'm a teapot. You're a bot." });
    await expect(provider.fetch({ ...QUERY, symbol: undefined })).rejects.toThrow(/HTTP 418/);
    fake.handler = () => ({ contentType: 'text/html', body: '<html><body>Access denied</body></html>' });
    await expect(provider.fetch({ ...QUERY, symbol: undefined })).rejects.toBeInstanceOf(
      MalformedResponseError,
    );
  });
});

describe('SEC EDGAR', () => {
  const data = new FakeHttpServer(() => notFound);
  const archives = new FakeHttpServer(() => notFound);
  let edgar: SecEdgarClient;
  beforeAll(async () => {
    data.handler = (r) => {
      const cik = /^\/submissions\/CIK(\d{10})\.json$/.exec(r.path)?.[1];
      return cik ? json(`sec/submissions-CIK${cik}.json`) : notFound;
    };
    archives.handler = (r) => {
      const [, cik, folder, name] = /^\/Archives\/edgar\/data\/(\d+)\/(\d+)\/(.+)$/.exec(r.path) ?? [];
      if (cik === '320193' && folder === '000032019323000067' && name === 'wf-form4_168676145623452.xml') {
        return xml('sec/wf-form4_168676145623452.xml');
      }
      if (cik === '1234567' && name === 'index.json') return json(`sec/index-${folder}.json`);
      if (cik === '1234567' && name?.startsWith('infotable-')) return xml(`sec/${name}`);
      return notFound;
    };
    edgar = new SecEdgarClient('sec-edgar', {
      userAgent: 'ATS tests ops@ats.example',
      dataBaseUrl: await data.start(),
      archivesBaseUrl: await archives.start(),
      retry: noRetry,
    });
  });
  afterAll(async () => {
    await Promise.all([data.stop(), archives.stop()]);
  });

  it('reads acceptance times conservatively: the later of UTC and the New York clock', () => {
    // 18:31:05 read as New York summer time is 22:31:05 UTC, later than 18:31:05 UTC.
    expect(acceptedAt('2023-06-14T18:31:05.000Z')).toBe('2023-06-14T22:31:05.000Z');
    expect(acceptedAt('not a time')).toBeUndefined();
  });

  it('Form 4: recent filings of the issuer, each non-derivative transaction from its acceptance time', async () => {
    const transactions = await new SecForm4Provider(edgar).fetch({
      ...QUERY,
      from: new Date('2023-06-01T00:00:00Z'),
    });
    // Only the Form 4 filed since the window start is read, with SEC's User-Agent.
    expect(data.requests.at(-1)?.path).toBe('/submissions/CIK0000320193.json');
    expect(data.requests.at(-1)?.headers['user-agent']).toBe('ATS tests ops@ats.example');
    expect(archives.requests.map((r) => r.path)).toEqual([
      '/Archives/edgar/data/320193/000032019323000067/wf-form4_168676145623452.xml',
    ]);
    expect(transactions).toEqual([
      {
        id: 'sec-form4-0000320193-23-000067-1',
        source: 'sec-form4',
        symbol: 'AAPL',
        transactionDate: '2023-06-12',
        filedAt: '2023-06-14T22:31:05.000Z',
        availableAt: '2023-06-14T22:31:05.000Z',
        owner: 'EXAMPLE OFFICER A',
        ownerPosition: 'SVP & General Counsel',
        code: 'S',
        shares: 10000,
        price: 183.31,
        sharesAfter: 120500,
      },
      {
        id: 'sec-form4-0000320193-23-000067-2',
        source: 'sec-form4',
        symbol: 'AAPL',
        transactionDate: '2023-06-12',
        filedAt: '2023-06-14T22:31:05.000Z',
        availableAt: '2023-06-14T22:31:05.000Z',
        owner: 'EXAMPLE OFFICER A',
        ownerPosition: 'SVP & General Counsel',
        code: 'F',
        shares: 2500,
        sharesAfter: 118000,
      },
    ]);
    for (const t of transactions) expect(InsiderTransactionSchema.parse(t)).toEqual(t);
  });

  it('13F-HR: positions per ticker summed over managers, options left out, change against the previous quarter', async () => {
    const holdings = await new Sec13fProvider(edgar, ['0001234567']).fetch({ ...QUERY, symbol: undefined });
    expect(
      holdings.map((h) => [h.periodOfReport, h.symbol, h.shares, h.valueUsd, h.sharesChange, h.availableAt]),
    ).toEqual([
      ['2023-03-31', 'AAPL', 1_200_000, 197_880_000, 300_000, '2023-05-12T20:05:43.000Z'],
      ['2023-03-31', 'NVDA', 100_000, 27_776_000, 100_000, '2023-05-12T20:05:43.000Z'],
      // Filed before 2023-01-03: values in thousands of dollars; no earlier quarter read, so no change.
      ['2022-09-30', 'AAPL', 900_000, 124_380_000, undefined, '2022-11-14T20:12:09.000Z'],
    ]);
    expect(holdings[0]).toMatchObject({
      filer: 'EXAMPLE CAPITAL MANAGEMENT LLC',
      filerCik: '1234567',
      source: 'sec-13f',
    });
    for (const h of holdings) expect(InstitutionalHoldingSchema.parse(h)).toEqual(h);
  });

  it("maps SEC's refusal of a request without a proper User-Agent to an auth error", async () => {
    const refusing = new FakeHttpServer(() => ({
      status: 403,
      contentType: 'text/html',
      body: '<html><body>Your Request Originates from an Undeclared Automated Tool</body></html>',
    }));
    const client = new SecEdgarClient('sec-edgar', {
      userAgent: 'ATS tests ops@ats.example',
      dataBaseUrl: await refusing.start(),
      retry: noRetry,
    });
    try {
      const error = await new SecForm4Provider(client).fetch(QUERY).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(/HTTP 403 .*Undeclared Automated Tool/);
    } finally {
      await refusing.stop();
    }
  });

  it('maps a broken XML document to a malformed-response error', async () => {
    const broken = new FakeHttpServer(() => ({
      contentType: 'application/xml',
      body: '<ownershipDocument><issuer></ownershipDocument>',
    }));
    const brokenArchive = new SecEdgarClient('sec-edgar', {
      userAgent: 'ATS tests ops@ats.example',
      dataBaseUrl: await data.start(),
      archivesBaseUrl: await broken.start(),
      retry: noRetry,
    });
    try {
      const error = await new SecForm4Provider(brokenArchive)
        .fetch({ ...QUERY, from: new Date('2023-06-01T00:00:00Z') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MalformedResponseError);
      expect((error as Error).message).toMatch(/not a well-formed XML document/);
    } finally {
      await broken.stop();
    }
  });
});

it('fixtures stay small hand-written samples', () => {
  for (const name of [
    'finnhub/company-news-AAPL.json',
    'sec/infotable-2023q1.xml',
    'stocktwits/stream-AAPL.json',
  ]) {
    expect(fixture(name).length).toBeLessThan(100_000);
  }
});
