import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ats/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  AlphaVantageProvider,
  errorReplyCodeFor,
  FailoverMarketData,
  InMemoryProviderCallRecorder,
  LocalCsvProvider,
  TwelveDataProvider,
  YahooChartProvider,
} from '../src/index';
import { FakeProvider, json } from './fake-provider';

const JAN_3_TO_6 = { symbol: 'AAPL', timeframe: '1d', from: '2023-01-03', to: '2023-01-06' } as const;
const fastRetry = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 50 };

describe('FailoverMarketData over real HTTP', () => {
  const alphaFake = new FakeProvider(() => json('alpha-vantage/note-rate-limit.json'));
  const twelveFake = new FakeProvider(() => ({ status: 500, body: 'internal error' }));
  const yahooFake = new FakeProvider(() => json('yahoo/chart-1d-AAPL.json'));
  const clock = new ManualClock('2023-01-07T12:00:00Z');
  let recorder: InMemoryProviderCallRecorder;
  let failover: FailoverMarketData;
  let providers: [AlphaVantageProvider, TwelveDataProvider, YahooChartProvider];

  beforeAll(async () => {
    providers = [
      new AlphaVantageProvider({ apiKey: 'k', baseUrl: await alphaFake.start(), clock, retry: fastRetry }),
      new TwelveDataProvider({ apiKey: 'k', baseUrl: await twelveFake.start(), clock, retry: fastRetry }),
      new YahooChartProvider({ baseUrl: await yahooFake.start(), clock, retry: fastRetry }),
    ];
  });
  beforeEach(() => {
    clock.set('2023-01-07T12:00:00Z');
    recorder = new InMemoryProviderCallRecorder();
    failover = new FailoverMarketData({ providers, clock, recorder, rateLimitCooldownMs: 60_000 });
    for (const fake of [alphaFake, twelveFake, yahooFake]) fake.requests.length = 0;
  });
  afterAll(async () => {
    await Promise.all([alphaFake, twelveFake, yahooFake].map((f) => f.stop()));
  });

  it('falls through a rate-limited and a failing provider to the next one and says who served', async () => {
    const served = await failover.getBars(JAN_3_TO_6);
    expect(served.provider).toBe('yahoo');
    expect(served.bars).toHaveLength(4);
    expect(served.droppedRows).toBe(0);
    expect(twelveFake.requests).toHaveLength(2); // 500 retried once, then given up
    expect(recorder.calls.map((c) => [c.provider, c.status, c.errorKind])).toEqual([
      ['alpha-vantage', 'error', 'rate_limited'],
      ['twelve-data', 'error', 'upstream_down'],
      ['yahoo', 'ok', undefined],
    ]);
    expect(
      recorder.calls.every((c) => c.endpoint === 'bars' && c.symbol === 'AAPL' && c.latencyMs >= 0),
    ).toBe(true);
  });

  it('skips a rate-limited provider until its cool-down has passed', async () => {
    await failover.getBars(JAN_3_TO_6);
    expect(alphaFake.requests).toHaveLength(1);
    expect(Object.keys(failover.rateLimited())).toEqual(['alpha-vantage']);

    clock.set('2023-01-07T12:00:59Z');
    await failover.getBars(JAN_3_TO_6);
    expect(alphaFake.requests).toHaveLength(1);

    clock.set('2023-01-07T12:01:01Z');
    alphaFake.setHandler(() => json('alpha-vantage/daily-AAPL.json'));
    expect((await failover.getBars(JAN_3_TO_6)).provider).toBe('alpha-vantage');
    expect(alphaFake.requests).toHaveLength(2);
    alphaFake.setHandler(() => json('alpha-vantage/note-rate-limit.json'));
  });

  it('reports an unknown symbol as not_found once every provider said so', async () => {
    alphaFake.setHandler(() => json('alpha-vantage/error-unknown-symbol.json'));
    twelveFake.setHandler(() => json('twelve-data/error-symbol-not-found.json'));
    yahooFake.setHandler(() => json('yahoo/chart-not-found.json', 404));
    const failure = await failover.getBars({ ...JAN_3_TO_6, symbol: 'ZZZZ' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect((failure as AllProvidersFailedError).failures.map((f) => f.kind)).toEqual([
      'unknown_symbol',
      'unknown_symbol',
      'unknown_symbol',
    ]);
    expect(errorReplyCodeFor(failure)).toBe('not_found');
    // Unknown symbols are final: each provider was asked exactly once.
    expect([alphaFake, twelveFake, yahooFake].map((f) => f.requests.length)).toEqual([1, 1, 1]);
  });

  it('moves past providers with no bars for the range to a local CSV', async () => {
    yahooFake.setHandler(() => json('yahoo/chart-empty-range.json'));
    const csv = join(mkdtempSync(join(tmpdir(), 'md-failover-')), 'AAPL.csv');
    writeFileSync(
      csv,
      [
        'date,open,high,low,close,adj_close,volume',
        '2023-01-03,130.28,130.9,124.17,125.07,123.1389,112117500',
        '2023-01-04,126.89,128.66,125.08,126.36,124.409,89113600',
        '2023-01-05,127.13,127.77,124.76,125.02,123.0897,80962700',
        '2023-01-06,126.01,130.29,124.89,129.62,127.6187,87754700',
      ].join('\n'),
    );
    const withCsv = new FailoverMarketData({
      providers: [providers[2], new LocalCsvProvider({ path: csv, clock })],
      clock,
      recorder,
    });
    const served = await withCsv.getBars(JAN_3_TO_6);
    expect(served.provider).toBe('local-csv');
    expect(served.bars.map((b) => b.close)).toEqual([125.07, 126.36, 125.02, 129.62]);
    expect(recorder.calls.map((c) => c.status)).toEqual(['empty', 'ok']);
  });

  it('serves quotes from the first provider that has them', async () => {
    alphaFake.setHandler(() => json('alpha-vantage/note-rate-limit.json'));
    twelveFake.setHandler(() => json('twelve-data/quote-AAPL.json'));
    const quote = await failover.getQuote('AAPL');
    expect(quote).toMatchObject({ provider: 'twelve-data', price: 129.62 });
  });
});
