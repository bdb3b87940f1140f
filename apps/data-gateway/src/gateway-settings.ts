import type { AppConfig } from '@ats/config';
import type { Timeframe } from '@ats/contracts';
import {
  ALPHA_VANTAGE_FREE_QUOTA,
  type MarketDataConfig,
  MarketDataConfigSchema,
  type ProviderName,
  TWELVE_DATA_FREE_QUOTA,
  YAHOO_DEFAULT_QUOTA,
} from '@ats/market-data';

interface Quota {
  readonly requestsPerMinute?: number;
  readonly requestsPerDay?: number;
}

export interface GatewaySettings {
  readonly marketData: MarketDataConfig;
  readonly publishIntervalMs: number;
  readonly publishLookbackDays: number;
  readonly publishTimeframe: Timeframe;
}

/** `DATA__PROVIDERS` names the CSV source `local`; the market-data lib calls it `local-csv`. */
const PROVIDER_NAME: Record<AppConfig['data']['providers'][number], ProviderName> = {
  local: 'local-csv',
  'alpha-vantage': 'alpha-vantage',
  'twelve-data': 'twelve-data',
  yahoo: 'yahoo',
};

/**
 * Market-data settings from the app config (its gateway keys are config.data.gateway, validated by loadConfig).
 * The bundled CSV source always ends the failover chain, so the gateway answers offline even when
 * DATA__PROVIDERS lists only network providers.
 */
export function gatewaySettingsFrom(config: AppConfig): GatewaySettings {
  const gateway = config.data.gateway;
  const providers = config.data.providers.map((p) => PROVIDER_NAME[p]);
  if (!providers.includes('local-csv')) providers.push('local-csv');
  // An override replaces one limit; the provider's published free-tier limits stay for the other.
  const quota = (base: Quota, override: Quota) => ({
    quota: {
      ...base,
      ...(override.requestsPerMinute ? { requestsPerMinute: override.requestsPerMinute } : {}),
      ...(override.requestsPerDay ? { requestsPerDay: override.requestsPerDay } : {}),
    },
  });
  const marketData = MarketDataConfigSchema.parse({
    providers: [...new Set(providers)],
    alphaVantage: {
      apiKey: config.data.alphaVantageApiKey,
      baseUrl: config.data.alphaVantageBaseUrl,
      ...quota(ALPHA_VANTAGE_FREE_QUOTA, gateway.quotas.alphaVantage),
    },
    twelveData: {
      apiKey: config.data.twelveDataApiKey,
      baseUrl: config.data.twelveDataBaseUrl,
      ...quota(TWELVE_DATA_FREE_QUOTA, gateway.quotas.twelveData),
    },
    yahoo: {
      baseUrl: config.data.yahooBaseUrl,
      ...quota(YAHOO_DEFAULT_QUOTA, gateway.quotas.yahoo),
    },
    localCsvPath: config.data.dir,
    sharedCacheBucket: gateway.cacheBucket,
  });
  return {
    marketData,
    publishIntervalMs: gateway.publishIntervalMs,
    publishLookbackDays: gateway.publishLookbackDays,
    publishTimeframe: gateway.publishTimeframe,
  };
}
