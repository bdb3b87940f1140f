import { type MarketDataProvider, RateLimitedError } from '@ats/market-data';
import { createServiceRegistry, registerTradingMetrics } from '@ats/metrics';
import { describe, expect, it } from 'vitest';
import { MeteredProviderCallRecorder, noteLocalRefusals, RateLimitSources } from './market-data-metrics';

describe('provider metrics', () => {
  it('counts our own budget refusals as local hits and provider 429s as remote ones', async () => {
    const metrics = registerTradingMetrics(createServiceRegistry({ service: 't', processMetrics: false }));
    const sources = new RateLimitSources();
    const refusals = [
      new RateLimitedError('av', 'local request budget exhausted for 1200 ms', 1200),
      new RateLimitedError('av', 'HTTP 429 slow down'),
    ];
    const provider: MarketDataProvider = {
      name: 'av',
      fetchBars: async () => {
        throw refusals.shift();
      },
    };
    const wrapped = noteLocalRefusals(provider, sources);
    expect(wrapped.fetchQuote).toBeUndefined();
    const recorder = new MeteredProviderCallRecorder(metrics, sources);
    const query = { symbol: 'AAPL', timeframe: '1d', from: '2023-01-02', to: '2023-01-06' } as const;
    for (let i = 0; i < 2; i++) {
      await expect(wrapped.fetchBars(query)).rejects.toBeInstanceOf(RateLimitedError);
      await recorder.record({
        provider: 'av',
        endpoint: 'bars',
        status: 'error',
        errorKind: 'rate_limited',
        latencyMs: 1,
        calledAt: new Date(0),
      });
    }
    await recorder.record({
      provider: 'av',
      endpoint: 'bars',
      status: 'empty',
      latencyMs: 1,
      calledAt: new Date(0),
    });
    const hits = (await metrics.providerRateLimitHits.get()).values;
    expect(hits.map((v) => [v.labels.source, v.value])).toEqual([
      ['local', 1],
      ['remote', 1],
    ]);
    const calls = (await metrics.providerCalls.get()).values;
    expect(calls.map((v) => [v.labels.outcome, v.value])).toEqual([
      ['rate_limited', 2],
      ['ok', 1],
    ]);
  });
});
