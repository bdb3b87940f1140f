import { ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { buildProviders, MarketDataConfigSchema } from './market-data-config';

describe('MarketDataConfigSchema', () => {
  it('fills the seed defaults and builds only providers that can run', () => {
    const config = MarketDataConfigSchema.parse({ twelveData: { apiKey: 'td-key' } });
    expect(config.cacheTtl).toEqual({
      quoteMs: 60_000,
      indicatorsMs: 300_000,
      newsMs: 300_000,
      historyMs: 3_600_000,
      closedHistoryMs: 86_400_000,
    });
    expect(config.alphaVantage.quota).toEqual({ requestsPerMinute: 5, requestsPerDay: 25 });
    expect(config.twelveData.retry.maxAttempts).toBe(3);
    const names = buildProviders(config, new ManualClock('2024-01-02T00:00:00Z')).map((p) => p.name);
    expect(names).toEqual(['twelve-data', 'yahoo', 'local-csv']);
  });

  it('rejects a quote TTL outside 1–5 minutes and unknown providers', () => {
    expect(MarketDataConfigSchema.safeParse({ cacheTtl: { quoteMs: 1_000 } }).success).toBe(false);
    expect(MarketDataConfigSchema.safeParse({ providers: ['bloomberg'] }).success).toBe(false);
  });
});
