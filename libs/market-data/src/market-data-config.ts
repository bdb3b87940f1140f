import type { Clock } from '@ats/contracts';
import { z } from 'zod';
import {
  ALPHA_VANTAGE_BASE_URL,
  ALPHA_VANTAGE_FREE_QUOTA,
  AlphaVantageProvider,
} from './alpha-vantage-provider';
import { DEFAULT_CACHE_TTL } from './cached-market-data';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from './http-client';
import { LocalCsvProvider } from './local-csv-provider';
import type { MarketDataProvider } from './provider';
import { TWELVE_DATA_BASE_URL, TWELVE_DATA_FREE_QUOTA, TwelveDataProvider } from './twelve-data-provider';
import { YAHOO_CHART_BASE_URL, YAHOO_DEFAULT_QUOTA, YahooChartProvider } from './yahoo-chart-provider';

export const PROVIDER_NAMES = ['alpha-vantage', 'twelve-data', 'yahoo', 'local-csv'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const QuotaSchema = z.object({
  requestsPerMinute: z.number().int().positive().optional(),
  requestsPerDay: z.number().int().positive().optional(),
});

const RetrySchema = z.object({
  maxAttempts: z.number().int().min(1).max(10).default(DEFAULT_RETRY_POLICY.maxAttempts),
  baseDelayMs: z.number().int().nonnegative().default(DEFAULT_RETRY_POLICY.baseDelayMs),
  maxDelayMs: z.number().int().positive().default(DEFAULT_RETRY_POLICY.maxDelayMs),
});

function httpProvider(baseUrl: string, quota: z.input<typeof QuotaSchema>) {
  return z.object({
    apiKey: z.string().min(1).optional(),
    baseUrl: z.url().default(baseUrl),
    timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
    retry: RetrySchema.prefault({}),
    quota: QuotaSchema.default(quota),
    maxQueueWaitMs: z.number().int().positive().default(30_000),
  });
}

/** Market-data settings with the seed's defaults; an HTTP provider without its API key is left out. */
export const MarketDataConfigSchema = z.object({
  /** Failover order. */
  providers: z
    .array(z.enum(PROVIDER_NAMES))
    .min(1)
    .default(['alpha-vantage', 'twelve-data', 'yahoo', 'local-csv']),
  alphaVantage: httpProvider(ALPHA_VANTAGE_BASE_URL, ALPHA_VANTAGE_FREE_QUOTA).prefault({}),
  twelveData: httpProvider(TWELVE_DATA_BASE_URL, TWELVE_DATA_FREE_QUOTA).prefault({}),
  yahoo: httpProvider(YAHOO_CHART_BASE_URL, YAHOO_DEFAULT_QUOTA).prefault({}),
  /** CSV file, directory of CSVs, or data folder (DATA__DIR); the configured data folder's ohlcv/ when absent. */
  localCsvPath: z.string().min(1).optional(),
  rateLimitCooldownMs: z.number().int().positive().default(60_000),
  cacheTtl: z
    .object({
      quoteMs: z.number().int().min(60_000).max(300_000).default(DEFAULT_CACHE_TTL.quoteMs),
      indicatorsMs: z.number().int().positive().default(DEFAULT_CACHE_TTL.indicatorsMs),
      newsMs: z.number().int().positive().default(DEFAULT_CACHE_TTL.newsMs),
      historyMs: z.number().int().positive().default(DEFAULT_CACHE_TTL.historyMs),
      closedHistoryMs: z.number().int().positive().default(DEFAULT_CACHE_TTL.closedHistoryMs),
    })
    .prefault({}),
  l1MaxEntries: z.number().int().positive().default(5_000),
  /** L2 bucket name and its bucket-wide TTL (the longest any entry may live there). */
  sharedCacheBucket: z
    .string()
    .regex(/^[-\w]+$/)
    .default('market_data_cache'),
  sharedCacheTtlMs: z.number().int().positive().default(DEFAULT_CACHE_TTL.closedHistoryMs),
});
export type MarketDataConfig = z.output<typeof MarketDataConfigSchema>;

/** Builds the providers of `config.providers` in order, skipping HTTP providers that have no API key. */
export function buildProviders(config: MarketDataConfig, clock: Clock): MarketDataProvider[] {
  const providers: MarketDataProvider[] = [];
  for (const name of config.providers) {
    if (name === 'alpha-vantage' && config.alphaVantage.apiKey) {
      providers.push(
        new AlphaVantageProvider({ ...config.alphaVantage, apiKey: config.alphaVantage.apiKey, clock }),
      );
    } else if (name === 'twelve-data' && config.twelveData.apiKey) {
      providers.push(
        new TwelveDataProvider({ ...config.twelveData, apiKey: config.twelveData.apiKey, clock }),
      );
    } else if (name === 'yahoo') {
      providers.push(new YahooChartProvider({ ...config.yahoo, clock }));
    } else if (name === 'local-csv') {
      providers.push(
        new LocalCsvProvider({ ...(config.localCsvPath ? { path: config.localCsvPath } : {}), clock }),
      );
    }
  }
  return providers;
}
