import type { AppConfig } from '@ats/config';
import { type Timeframe, TimeframeSchema } from '@ats/contracts';
import {
  ALPHA_VANTAGE_FREE_QUOTA,
  type MarketDataConfig,
  MarketDataConfigSchema,
  type ProviderName,
  TWELVE_DATA_FREE_QUOTA,
  YAHOO_DEFAULT_QUOTA,
} from '@ats/market-data';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/**
 * Data-gateway keys that @ats/config does not have yet (to be moved into its ENV_SCHEMA and `.env.example`).
 * Quotas override the free-tier defaults; the providers' base URLs are in @ats/config (config.data.*BaseUrl).
 */
export const GATEWAY_ENV_SCHEMA = {
  DATA__CACHE_BUCKET: z
    .string()
    .regex(/^[-\w]+$/)
    .default('market_data_cache'),
  /** How often live mode asks the providers for new bars. */
  DATA__PUBLISH_INTERVAL_MS: positiveInt.default(15 * 60_000),
  /** Calendar days of recent bars each live poll fetches (covers a long weekend and a missed poll). */
  DATA__PUBLISH_LOOKBACK_DAYS: positiveInt.default(10),
  DATA__PUBLISH_TIMEFRAME: TimeframeSchema.default('1d'),
  DATA__ALPHA_VANTAGE_REQUESTS_PER_MINUTE: positiveInt.optional(),
  DATA__ALPHA_VANTAGE_REQUESTS_PER_DAY: positiveInt.optional(),
  DATA__TWELVE_DATA_REQUESTS_PER_MINUTE: positiveInt.optional(),
  DATA__TWELVE_DATA_REQUESTS_PER_DAY: positiveInt.optional(),
  DATA__YAHOO_REQUESTS_PER_MINUTE: positiveInt.optional(),
  DATA__YAHOO_REQUESTS_PER_DAY: positiveInt.optional(),
} as const;

interface Quota {
  readonly requestsPerMinute?: number;
  readonly requestsPerDay?: number;
}

const GatewayEnvSchema = z.object(GATEWAY_ENV_SCHEMA);
type GatewayEnv = z.output<typeof GatewayEnvSchema>;

export interface GatewaySettings {
  readonly marketData: MarketDataConfig;
  readonly publishIntervalMs: number;
  readonly publishLookbackDays: number;
  readonly publishTimeframe: Timeframe;
}

/** A gateway key is invalid; lists every bad key at once, like @ats/config's ConfigError. */
export class GatewaySettingsError extends Error {
  override readonly name = 'GatewaySettingsError';
}

/** `DATA__PROVIDERS` names the CSV source `local`; the market-data lib calls it `local-csv`. */
const PROVIDER_NAME: Record<AppConfig['data']['providers'][number], ProviderName> = {
  local: 'local-csv',
  'alpha-vantage': 'alpha-vantage',
  'twelve-data': 'twelve-data',
  yahoo: 'yahoo',
};

/**
 * Market-data settings from the app config plus the gateway keys. The bundled CSV source always ends the
 * failover chain, so the gateway answers offline even when DATA__PROVIDERS lists only network providers.
 */
export function gatewaySettingsFrom(
  config: AppConfig,
  env: Record<string, string | undefined> = process.env,
): GatewaySettings {
  const extra = parseGatewayEnv(env);
  const providers = config.data.providers.map((p) => PROVIDER_NAME[p]);
  if (!providers.includes('local-csv')) providers.push('local-csv');
  // An override replaces one limit; the provider's published free-tier limits stay for the other.
  const quota = (base: Quota, perMinute?: number, perDay?: number) => ({
    quota: {
      ...base,
      ...(perMinute ? { requestsPerMinute: perMinute } : {}),
      ...(perDay ? { requestsPerDay: perDay } : {}),
    },
  });
  const marketData = MarketDataConfigSchema.parse({
    providers: [...new Set(providers)],
    alphaVantage: {
      apiKey: config.data.alphaVantageApiKey,
      baseUrl: config.data.alphaVantageBaseUrl,
      ...quota(
        ALPHA_VANTAGE_FREE_QUOTA,
        extra.DATA__ALPHA_VANTAGE_REQUESTS_PER_MINUTE,
        extra.DATA__ALPHA_VANTAGE_REQUESTS_PER_DAY,
      ),
    },
    twelveData: {
      apiKey: config.data.twelveDataApiKey,
      baseUrl: config.data.twelveDataBaseUrl,
      ...quota(
        TWELVE_DATA_FREE_QUOTA,
        extra.DATA__TWELVE_DATA_REQUESTS_PER_MINUTE,
        extra.DATA__TWELVE_DATA_REQUESTS_PER_DAY,
      ),
    },
    yahoo: {
      baseUrl: config.data.yahooBaseUrl,
      ...quota(
        YAHOO_DEFAULT_QUOTA,
        extra.DATA__YAHOO_REQUESTS_PER_MINUTE,
        extra.DATA__YAHOO_REQUESTS_PER_DAY,
      ),
    },
    localCsvPath: config.data.dir,
    sharedCacheBucket: extra.DATA__CACHE_BUCKET,
  });
  return {
    marketData,
    publishIntervalMs: extra.DATA__PUBLISH_INTERVAL_MS,
    publishLookbackDays: extra.DATA__PUBLISH_LOOKBACK_DAYS,
    publishTimeframe: extra.DATA__PUBLISH_TIMEFRAME,
  };
}

function parseGatewayEnv(env: Record<string, string | undefined>): GatewayEnv {
  const known: Record<string, string> = {};
  for (const key of Object.keys(GATEWAY_ENV_SCHEMA)) {
    const value = env[key];
    if (value !== undefined && value !== '') known[key] = value;
  }
  const result = GatewayEnvSchema.safeParse(known);
  if (!result.success) {
    throw new GatewaySettingsError(
      `invalid data-gateway configuration: ${result.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
