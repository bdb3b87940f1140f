import { ConfigError, loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { gatewaySettingsFrom } from './gateway-settings';

const settingsOf = (env: Record<string, string>) => gatewaySettingsFrom(loadConfig({ env, envFile: null }));

describe('gatewaySettingsFrom', () => {
  it('runs offline on the bundled CSV by default', () => {
    const settings = settingsOf({});
    expect(settings.marketData.providers).toEqual(['local-csv']);
    expect(settings.marketData.sharedCacheBucket).toBe('market_data_cache');
    expect(settings.publishIntervalMs).toBe(900_000);
  });

  it('keeps the DATA__PROVIDERS order and always ends with the bundled CSV', () => {
    const settings = settingsOf({
      DATA__PROVIDERS: 'twelve-data,alpha-vantage',
      ALPHA_VANTAGE_API_KEY: 'av-key',
      DATA__ALPHA_VANTAGE_BASE_URL: 'http://127.0.0.1:9999',
      DATA__ALPHA_VANTAGE_REQUESTS_PER_DAY: '500',
    });
    expect(settings.marketData.providers).toEqual(['twelve-data', 'alpha-vantage', 'local-csv']);
    expect(settings.marketData.alphaVantage).toMatchObject({
      apiKey: 'av-key',
      baseUrl: 'http://127.0.0.1:9999',
      quota: { requestsPerMinute: 5, requestsPerDay: 500 },
    });
    // Untouched providers keep their free-tier quota.
    expect(settings.marketData.twelveData.quota).toEqual({ requestsPerMinute: 8, requestsPerDay: 800 });
    expect(settingsOf({ DATA__PROVIDERS: 'local,yahoo' }).marketData.providers).toEqual([
      'local-csv',
      'yahoo',
    ]);
  });

  it('takes the live-mode keys from the central configuration', () => {
    const settings = settingsOf({
      DATA__CACHE_BUCKET: 'bars_l2',
      DATA__PUBLISH_INTERVAL_MS: '60000',
      DATA__PUBLISH_LOOKBACK_DAYS: '3',
      DATA__PUBLISH_TIMEFRAME: '1h',
      DATA__TWELVE_DATA_REQUESTS_PER_MINUTE: '55',
      DATA__YAHOO_REQUESTS_PER_MINUTE: '11',
      DATA__YAHOO_REQUESTS_PER_DAY: '22',
    });
    expect(settings).toMatchObject({
      publishIntervalMs: 60_000,
      publishLookbackDays: 3,
      publishTimeframe: '1h',
    });
    expect(settings.marketData.sharedCacheBucket).toBe('bars_l2');
    expect(settings.marketData.twelveData.quota).toEqual({ requestsPerMinute: 55, requestsPerDay: 800 });
    expect(settings.marketData.yahoo.quota).toEqual({ requestsPerMinute: 11, requestsPerDay: 22 });
  });

  it('lists every invalid gateway key (loadConfig, like every other key)', () => {
    expect(() => settingsOf({ DATA__PUBLISH_INTERVAL_MS: 'soon', DATA__CACHE_BUCKET: 'a b' })).toThrow(
      ConfigError,
    );
    try {
      settingsOf({ DATA__PUBLISH_INTERVAL_MS: 'soon', DATA__CACHE_BUCKET: 'a b' });
    } catch (error) {
      expect((error as Error).message).toMatch(
        /DATA__CACHE_BUCKET.*DATA__PUBLISH_INTERVAL_MS|DATA__PUBLISH_INTERVAL_MS.*DATA__CACHE_BUCKET/s,
      );
    }
    // Provider base URLs are central settings: a bad one stops every service at loadConfig.
    expect(() => settingsOf({ DATA__YAHOO_BASE_URL: 'ftp://x' })).toThrow(/DATA__YAHOO_BASE_URL/);
  });
});
